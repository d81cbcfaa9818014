"""View helpers: a record outside the user's scope is 404 on read and 403 on write."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def get_for_read(queryset, user, **lookup):
    obj = queryset.for_user(user, "view").filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def get_for_write(queryset, user, **lookup):
    """The record if the user may change it; 403 otherwise (whether or not it exists)."""
    obj = queryset.for_user(user, "change").filter(**lookup).first()
    if obj is None:
        raise PermissionDenied
    return obj


def can(user, action: str, obj) -> bool:
    return type(obj).objects.for_user(user, action).filter(pk=obj.pk).exists()
