"""Data derived from the letters, kept for speed: the similar-rationale index, stored export
records, bitmaps of common words, and the corpus version that in-memory columns follow.
Any of it can be rebuilt from the letters (`manage.py index_similarity`,
`index_common_words`, the export records' `write_missing_records`)."""

from __future__ import annotations

import uuid

from django.db import models

from determinations.models.letters import DisputedItem


class RationaleBand(models.Model):
    """One locality-sensitive hash band of an item's rationale: items sharing a key are
    candidate near-copies (see `determinations/rationales/minhash.py`).

    Written in bulk at ingest (about 16 rows per item), so it carries no surrogate id and no
    database-level foreign key. Keyed by (key, item) alone: a second index by item doubled
    the cost of every merge of staged keys. An item's rows are found by the keys stored in
    its `RationaleShingles` row (`similarity.forget_sketches`, also when an item is deleted).
    """

    pk = models.CompositePrimaryKey("key", "item_id")
    item = models.ForeignKey(
        DisputedItem,
        on_delete=models.DO_NOTHING,  # `similarity.forget_sketches`, by the item's own keys
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    key = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.item_id}: {self.key}"


class RationaleShingles(models.Model):
    """An item's rationale as the set similar-rationale lookups rank candidates by
    (`minhash.packed_shingles`): reading it beats re-reading and re-shingling the rationale
    of each of some sixty candidates a lookup ranks."""

    item = models.OneToOneField(
        DisputedItem,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    hashes = models.BinaryField()
    # The item's band keys (`minhash.packed_band_keys`): `RationaleBand` is keyed by key,
    # and these find an item's rows in it. Null: not stored (a database from before).
    band_keys = models.BinaryField(null=True)

    def __str__(self) -> str:
        return f"{self.item_id}: {len(self.hashes) // 4} shingles"


class StagedBandKeys(models.Model):
    """Items (an id range) whose band keys an ingest stored beside their shingle sets but has
    not yet merged into `RationaleBand`.

    Keys are random: inserted as they come, each dirties its own page of the key index, and
    at a million letters that was most of the ingest's writing. So they are merged sorted
    (`similarity.merge_staged_bands`, as `similarity.merge_due` says and at the end of each
    ingest), touching each index page once, read back from `RationaleShingles.band_keys`:
    one row a batch here, where staging each key was some 38 rows a letter.
    """

    first_item_id = models.BigIntegerField()
    last_item_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"items {self.first_item_id} to {self.last_item_id} (staged)"


class RecordDictionary(models.Model):
    """A zstd dictionary trained on this corpus's own export records, one for each format.

    Records are small and alike (the same keys, guidelines and phrases): compressed alone
    they shrink by half, with a dictionary by seven to ten times, and decompress in about a
    microsecond. Records keep the dictionary they were compressed with.
    """

    csv_dictionary = models.BinaryField()
    json_dictionary = models.BinaryField()
    trained_on = models.PositiveIntegerField(help_text="Records the dictionaries learned from")
    trained_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"record dictionary {self.pk} ({self.trained_on} records)"


class ExportRecord(models.Model):
    """An item's export row, formatted once as a CSV line and a JSON object (SPEC: Export
    columns) and kept compressed, so an export of a million items only reads and unpacks
    them (`export_records.py`).

    Written at ingest and whenever the item, its letter or a name it shows changes.
    """

    item = models.OneToOneField(
        DisputedItem,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    dictionary = models.ForeignKey(
        RecordDictionary, null=True, on_delete=models.PROTECT, db_constraint=False
    )
    csv_record = models.BinaryField()  # zstd frames of UTF-8 text
    json_record = models.BinaryField()

    def __str__(self) -> str:
        return f"export record of item {self.item_id}"


class CommonWord(models.Model):
    """The items whose search entry holds a word found in many items, as a bitmap by item
    id, so that a broad word is answered without the full-text index (`common_words.py`).

    ``word`` is the database's own normalized form (its lexeme or stem). The bitmap covers
    item ids up to ``through_item``; later items and those re-indexed since
    (`ReindexedItem`) are asked of the index. Rebuilt at the end of every ingest and reparse.
    """

    word = models.CharField(max_length=200, unique=True)
    items = models.PositiveIntegerField(help_text="Items holding the word when counted")
    through_item = models.BigIntegerField(help_text="The bitmap covers item ids up to this")
    bitmap = models.BinaryField()  # a serialized Roaring bitmap (pyroaring) of item ids

    def __str__(self) -> str:
        return f"{self.word} ({self.items} items)"


class ReindexedItem(models.Model):
    """An item whose search entry was rebuilt (reparse, admin edit) after the common-word
    bitmaps were: until the next rebuild, searches ask the index about it."""

    item_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"item {self.item_id}"


class CorpusVersion(models.Model):
    """Changes whenever letters or items change, so in-memory search columns reload.

    A random token rather than a counter alone: a rolled-back transaction or a recreated
    database must never repeat a version some process has cached.
    """

    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
