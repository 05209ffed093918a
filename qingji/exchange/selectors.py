"""Scoped reads of the exchange part: a background export belongs to the account that asked for it."""

from django.shortcuts import get_object_or_404

from qingji.accounts.models import User
from qingji.exchange.models import ExportJob


def get_own_export_job(user: User, pk: int) -> ExportJob:
    """The user's own export, or Http404: anyone else's — even in the same unit — is not theirs to see, for it
    holds the cases of the requester's scope and filters."""
    return get_object_or_404(ExportJob, pk=pk, requested_by=user)
