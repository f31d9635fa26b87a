from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; name every edited or deleted event."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        if not problems:
            self.stdout.write(
                f"Nhật ký toàn vẹn: {checked} sự kiện đã kiểm tra, không có sai lệch."
            )
            return
        for p in problems:
            what = "đã bị sửa" if p.kind == "edited" else "đã bị xóa"
            self.stderr.write(f"Sự kiện #{p.event_id} {what} ({p.message}).")
        raise CommandError(
            f"Nhật ký bị can thiệp: {len(problems)} sai lệch trong {checked} sự kiện."
        )
