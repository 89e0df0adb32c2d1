"""``manage.py load_demo``: load the Hải Dương 2023 demo (idempotent) and list the accounts."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.errors import ApplicationError
from cchc.web.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Hải Dương 2023 (chạy lại nhiều lần không nhân đôi dữ liệu)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_load()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu Hải Dương 2023."))
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            roles = ", ".join(f"{role.label} – {code}" for role, code in account.grants)  # type: ignore[attr-defined]
            self.stdout.write(f"  {account.username:<16} {account.full_name:<22} {roles}")
        self.stdout.write("")
