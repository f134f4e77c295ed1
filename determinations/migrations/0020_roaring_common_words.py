"""Common-word bitmaps stored as Roaring bitmaps of item ids (pyroaring), no longer as zstd
frames of `numpy.packbits` over every id; the phrases searches stored go (a search no longer
writes, issue 29). Each word's items stay the same, so no rebuild is needed."""

import numpy as np
import zstandard
from django.db import migrations
from pyroaring import BitMap


def _item_ids(packed: bytes) -> np.ndarray:
    bits = np.frombuffer(zstandard.ZstdDecompressor().decompress(bytes(packed)), np.uint8)
    return np.flatnonzero(np.unpackbits(bits))


def to_roaring(apps, schema_editor):
    CommonWord = apps.get_model("determinations", "CommonWord")
    CommonWord.objects.filter(word__startswith='"').delete()
    for word in CommonWord.objects.all():
        bitmap = BitMap(_item_ids(word.bitmap).astype(np.uint32).tolist())
        bitmap.run_optimize()
        word.bitmap = bitmap.serialize()
        word.save(update_fields=["bitmap"])


def to_packed_bits(apps, schema_editor):
    CommonWord = apps.get_model("determinations", "CommonWord")
    compressor = zstandard.ZstdCompressor(level=3)
    for word in CommonWord.objects.all():
        bits = np.zeros(word.through_item + 1, dtype=bool)
        bits[list(BitMap.deserialize(bytes(word.bitmap)))] = True
        word.bitmap = compressor.compress(np.packbits(bits).tobytes())
        word.save(update_fields=["bitmap"])


class Migration(migrations.Migration):
    dependencies = [("determinations", "0019_ur_denial_date_label")]

    operations = [migrations.RunPython(to_roaring, to_packed_bits)]
