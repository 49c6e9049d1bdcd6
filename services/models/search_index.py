"""The precomputed search index: each published service's texts as folded words and stems.

``services.search_index`` writes these rows (on every catalogue change through
``services.changes``, and in full with ``manage.py rebuild_search_index``) and reads them into a
per-process in-memory index; ``SearchIndexVersion`` tells every process when to reload.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.models.catalogue import SupportService


class SearchIndexEntry(models.Model):
    """The searchable terms of one service, per field, in all three languages.

    Each ``*_terms`` column holds the distinct terms separated by single spaces, with a space
    at both ends (`` neuvola neuvol ``), so that a term, a term's start or a term's end can be
    matched with ``LIKE`` on any database, as the in-memory index matches them.
    """

    service = models.OneToOneField(
        SupportService,
        verbose_name=_("service"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_index",
    )
    name_terms = models.TextField(_("terms of the name"), blank=True)
    summary_terms = models.TextField(_("terms of the summary"), blank=True)
    keyword_terms = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("The provider, the service points and the methods."),
    )
    description_terms = models.TextField(_("terms of the description"), blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self) -> str:
        return f"{self.service_id}"


class SearchIndexVersion(models.Model):
    """One row: a new random value after every change of the catalogue or of the index.

    Every web process compares it with the version of its in-memory index (one primary-key
    read per search) and reloads when they differ, and cached result pages are keyed by it.
    It lives in the database, not in the cache, so that it is right in every process whatever
    the cache backend, and after a rolled-back transaction.
    """

    key = models.CharField(_("key"), max_length=20, primary_key=True)
    value = models.CharField(_("version"), max_length=32)
    # Raised with every new value, in the row's update: sequence numbers follow the order in
    # which the changes committed (a second writer waits for the first's row lock).
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("search index version")
        verbose_name_plural = _("search index versions")

    def __str__(self) -> str:
        return self.value


class SearchIndexChange(models.Model):
    """Which services a version of the index changed, so that a process holding the index of
    an earlier version can update it for those services instead of reading everything again.
    Kept for a day."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    # None: everything may have changed (a rebuild); read the whole index again.
    service_ids = models.JSONField(_("services"), null=True, blank=True)
    # Index: old changes are deleted by age.
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return str(self.sequence)
