from django import template

from binhdan.kpi import fmt

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return fmt.number(value, int(decimals))


@register.filter
def vn_percent(value):
    return fmt.percent(value)


@register.filter
def vn_signed(value):
    return fmt.signed(value)


@register.filter
def vn_value(value, kind):
    return fmt.value(kind, value)


@register.filter
def vn_day(value):
    return fmt.day(value)
