"""``manage.py import_dossiers FILE [--batch-size N]``: create or update dossiers from CSV / JSON Lines."""

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.dossiers.importing import DEFAULT_BATCH_SIZE, DossierImportSummary, import_dossiers

#: Rejections printed one by one; beyond that only their number.
MAX_PRINTED_REJECTIONS = 200


def summary_message(summary: DossierImportSummary) -> str:
    """``Đã đọc 10 dòng: tạo 7, cập nhật 1, không đổi 1, từ chối 1 (2 lô).``"""
    return _(
        "Đã đọc %(rows)d dòng: tạo %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d, "
        "từ chối %(rejected)d (%(batches)d lô)."
    ) % {
        "rows": summary.rows_read,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected_count,
        "batches": summary.batches,
    }


class Command(BaseCommand):
    help = (
        "Nạp hoặc cập nhật hồ sơ TTHC từ tệp CSV (UTF-8) hoặc JSON Lines xuất từ hệ thống một cửa "
        "(xem docs/dossiers.md, mục 'Import format'). Ghi theo lô; dòng lỗi bị từ chối, các dòng khác vẫn được ghi. "
        "Mã thoát 0 khi mọi dòng được nhận, 1 khi có dòng bị từ chối."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .csv hoặc .jsonl.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Số dòng mỗi lô, mỗi lô một giao dịch (mặc định {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument("--format", choices=("csv", "jsonl"), help="Ép định dạng (mặc định: theo đuôi tệp).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size phải là số nguyên dương."))
        # On a terminal one line rewritten in place; in a log (with -v 2) one line per batch.
        on_tty = self.stderr.isatty()
        show_progress = options["verbosity"] >= 1 and (on_tty or options["verbosity"] >= 2)

        def progress(summary: DossierImportSummary) -> None:
            if show_progress:
                text = _("… %(rows)d dòng, %(batches)d lô, %(rejected)d từ chối") % {
                    "rows": summary.rows_read,
                    "batches": summary.batches,
                    "rejected": summary.rejected_count,
                }
                self.stderr.write("\r" + text if on_tty else text, ending="" if on_tty else "\n")
                self.stderr.flush()

        try:
            summary = import_dossiers(
                path=options["file"], fmt=options["format"], batch_size=options["batch_size"], progress=progress
            )
        except ApplicationError as exc:
            for message in exc.extra.get("errors") or [exc.message]:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được %(file)s; không có hồ sơ nào được ghi.") % {"file": options["file"]}
            ) from exc
        if show_progress and on_tty:
            self.stderr.write("")
        for _line, reason in summary.rejected[:MAX_PRINTED_REJECTIONS]:
            self.stderr.write(reason)
        hidden = summary.rejected_count - min(len(summary.rejected), MAX_PRINTED_REJECTIONS)
        if hidden > 0:
            self.stderr.write(_("… và %(n)d dòng bị từ chối khác.") % {"n": hidden})
        style = self.style.SUCCESS if summary.all_accepted else self.style.WARNING
        self.stdout.write(style(summary_message(summary)))
        if not summary.all_accepted:
            self.stdout.flush()
            sys.exit(1)
