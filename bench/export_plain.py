"""The export issue 29 asked for first, measured against the stored records it would replace.

    .venv/bin/python -m bench.export_plain --var-dir bench/out/var_gen_100000
    .venv/bin/python -m bench.export_plain --database-url postgres://.../imr_bench_gen_100000

On a database already loaded (`python -m bench`), exports every item in the search's order
as CSV and JSON twice, each in a child process: `manage.py export` (the stored records,
`determinations/export_records.py`), and the plain path written here (one query per chunk
of ids, reviewer facts per chunk of letters, `csv.writer` and a JSON encoder). Prints rows/s,
the child's CPU seconds and peak RSS. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (export column, item field); dates become ISO text, empty optional text null (SPEC)
FIELDS = [
    ("determination_id", "letter_id"), ("case_number", "letter__case_number"),
    ("source_file", "letter__source_file"), ("patient_age", "letter__patient_age"),
    ("patient_sex", "letter__patient_sex"), ("date_of_injury", "letter__date_of_injury"),
    ("ur_denial_date", "letter__ur_denial_date"), ("diagnoses", "letter__diagnoses"),
    ("item_id", "id"), ("item_label", "label"), ("treatment", "treatment"),
    ("medication", "medication__generic_name"), ("drug_class", "drug_class__name"),
    ("category", "category"), ("strength", "strength"), ("quantity", "quantity"),
    ("refills", "refills"), ("decision", "decision"), ("guideline_source", "guideline_source"),
    ("claims_administrator_guideline", "claims_administrator_guideline"),
    ("reviewer_guideline", "reviewer_guideline"), ("rationale", "rationale"),
    ("parse_status", "letter__parse_status"), ("decision_date", "letter__decision_date"),
    ("date_assigned", "letter__date_assigned"), ("priority", "letter__priority"),
    ("original_request", "original_request"), ("authorized_portion", "authorized_portion"),
]  # fmt: skip
DATES = {"date_of_injury", "ur_denial_date", "decision_date", "date_assigned"}
OPTIONAL = {"patient_sex", "priority"}
NAMES = {"medication", "drug_class"}


def plain_rows(items, chunk: int = 2000):
    """Each item as a dict of export values, in the queryset's order, a chunk at a time."""
    from determinations.export import COLUMNS, _ordered_ids
    from determinations.models import DisputedItem

    ids = _ordered_ids(items)
    for start in range(0, len(ids), chunk):
        wanted = ids[start : start + chunk].tolist()
        chosen = DisputedItem.objects.filter(pk__in=wanted).order_by()
        found = {}
        for values in chosen.values_list(*(field for _, field in FIELDS)):
            row = dict(zip((name for name, _ in FIELDS), values, strict=True))
            for name in DATES:
                row[name] = row[name] and row[name].isoformat()
            for name in OPTIONAL:
                row[name] = row[name] or None
            for name in NAMES:
                row[name] = row[name] or ""
            found[row["item_id"]] = row
        facts = _reviewer_facts({row["determination_id"] for row in found.values()})
        rows = []
        for pk in wanted:
            if pk in found:
                row = found[pk]
                for name, lists in facts.items():
                    row[name] = lists[row["determination_id"]]
                rows.append({name: row[name] for name in COLUMNS})
        yield rows


def _reviewer_facts(letter_ids: set[int]) -> dict[str, dict[int, list[str]]]:
    from determinations.models import Letter

    facts: dict = {"reviewer_states": {}, "reviewer_specialties": {}}
    for name, field, order in [
        ("reviewer_states", "licensurestate__code", "licensurestate__code"),
        ("reviewer_specialties", "specialty__name", "id"),
    ]:
        through = getattr(Letter, name).through.objects.filter(letter_id__in=letter_ids)
        for pk in letter_ids:
            facts[name][pk] = []
        for pk, value in through.order_by(order).values_list("letter_id", field):
            facts[name][pk].append(value)
    return facts


def write_plain(fmt: str, target: Path) -> None:
    """The child: every item, newest first as the search orders it, to ``target``."""
    from django.http import QueryDict

    from determinations.export import COLUMNS, neutralise_formula
    from determinations.search import ordered_items
    from determinations.search.filters import ItemFilter

    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    chunks = plain_rows(ordered_items(ItemFilter(QueryDict())))
    with target.open("w", encoding="utf-8", newline="") as out:
        if fmt == "json":
            out.write("[\n")
            for n, rows in enumerate(chunks):
                out.write((",\n" if n else "") + ",\n".join(encode(row) for row in rows))
            out.write("\n]\n")
            return
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for rows in chunks:
            writer.writerows([_csv_cell(value, neutralise_formula) for value in row.values()]
                             for row in rows)  # fmt: skip


def _csv_cell(value, neutralise):
    if isinstance(value, list):
        return neutralise("; ".join(value))
    return neutralise(value) if isinstance(value, str) else value


def _timed(command: list[str], env: dict[str, str], target: Path, fmt: str) -> dict:
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    with target.open(encoding="utf-8", newline="") as handle:
        if fmt == "json":
            rows = sum(1 for line in handle if line.startswith("{"))
        else:
            rows = sum(1 for _ in csv.reader(handle)) - 1
    cpu = usage.ru_utime + usage.ru_stime
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "cpu_s": round(cpu, 2), "peak_rss_mb": usage.ru_maxrss // 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var-dir", help="SQLite: the IMR_VAR_DIR holding imr.sqlite3")
    parser.add_argument("--database-url", help="PostgreSQL: the loaded database")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.base")
        django.setup()
        write_plain(args.child[0], Path(args.child[1]))
        return
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IMR_VAR_DIR")}
    env["PYTHONPATH"] = str(ROOT)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["IMR_VAR_DIR"] = str(Path(args.var_dir or ROOT / "bench/out/var_gen_100000").resolve())
    for fmt in ("csv", "json") * 2:
        target = ROOT / "bench" / "out" / f"export_plain.{fmt}"
        target.parent.mkdir(exist_ok=True)
        stored = [sys.executable, "manage.py", "export", "--format", fmt, "--output", str(target)]
        plain = [sys.executable, "-m", "bench.export_plain", "--child", fmt, str(target)]
        for way, command in (("stored", stored), ("plain", plain)):
            print({"way": way, "format": fmt} | _timed(command, env, target, fmt), flush=True)
        target.unlink()


if __name__ == "__main__":
    main()
