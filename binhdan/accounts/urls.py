from django.urls import path

from binhdan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.sign_in, name="login"),
    path("dang-xuat/", views.sign_out, name="logout"),
]
