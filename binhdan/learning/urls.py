"""Curriculum, practice, assessments and certificates. Mounted at the site root."""

from django.urls import path

from binhdan.learning import views

app_name = "learning"
urlpatterns = [
    path("hoc/", views.levels, name="levels"),
    path("hoc/<slug:level>/", views.level_detail, name="level"),
    path("hoc/<slug:level>/tu-danh-gia/<slug:phase>/", views.self_assessment, name="self_assessment"),
    path("bai/<slug:code>/", views.lesson_detail, name="lesson"),
    path("bai/<slug:code>/ap-phich.pdf", views.lesson_poster, name="poster"),
    path("bai/<slug:code>/tai-lieu.pdf", views.lesson_handout, name="handout"),
    path("luyen-tap/<slug:code>/<int:number>/", views.practice, name="practice"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/tao/", views.sign_up, name="sign_up"),
    path("tai-khoan/dang-nhap/", views.sign_in, name="sign_in"),
    path("tai-khoan/dang-xuat/", views.sign_out, name="sign_out"),
    path("tai-khoan/noi-o/", views.place, name="place"),
    path("the/<str:token>/", views.card_sign_in, name="card_sign_in"),
    path("kiem-tra/<slug:level>/", views.assessment_start, name="assessment_start"),
    path("kiem-tra/bai/<uuid:attempt>/", views.assessment, name="assessment"),
    path("kiem-tra/bai/<uuid:attempt>/ket-qua/", views.assessment_result, name="assessment_result"),
    path("chung-nhan/", views.verify_lookup, name="verify_lookup"),
    path("chung-nhan/<str:code>/", views.verify, name="verify"),
    path("chung-nhan/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("quan-ly/hoc-tap/", views.officer_stats, name="officer_stats"),
    path("quan-ly/hoc-tap/hoc-vien/", views.officer_learners, name="officer_learners"),
    path("quan-ly/hoc-tap/hoc-vien/tao/", views.officer_learner_create, name="officer_learner_create"),
    path("quan-ly/hoc-tap/hoc-vien/<uuid:uuid>/", views.officer_learner, name="officer_learner"),
    path("quan-ly/hoc-tap/hoc-vien/<uuid:uuid>/the/", views.officer_learner_card, name="officer_learner_card"),
    path("quan-ly/hoc-tap/chung-nhan/", views.officer_certificates, name="officer_certificates"),
    path("quan-ly/hoc-tap/chung-nhan/<str:code>/thu-hoi/", views.officer_certificate_revoke,
         name="officer_certificate_revoke"),
]
