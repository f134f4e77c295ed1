"""What migrations leave in a PostgreSQL database for ingest to maintain."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="indexes and compression of PostgreSQL"
    ),
]


def test_letters_and_items_carry_no_prefix_search_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef LIKE '%%_pattern_ops%%'",
            [["determinations_letter", "determinations_disputeditem"]],
        )
        assert cursor.fetchall() == []
        # the plain indexes the admin's filters use are still there
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'determinations_letter' "
            "AND indexdef LIKE '%%(parse_status)'"
        )
        assert cursor.fetchone()[0] == 1


def test_letter_texts_are_compressed_with_lz4_where_the_server_has_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        has_lz4 = cursor.fetchone()[0]
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'determinations_letter'::regclass AND attname = 'original_text'"
        )
        # "l": lz4; "": the server's default (pglz), on a server built without lz4
        assert cursor.fetchone()[0] == ("l" if has_lz4 else "")
