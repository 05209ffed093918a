"""Masking personal data in templates: {{ petitioner.id_number|mask_id }}, {{ petitioner.phone|mask_phone }}."""

from django import template

from qingji.lib.pii import mask_id_number, mask_phone

register = template.Library()
register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
