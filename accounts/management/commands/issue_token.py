from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py issue_token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"Không có người dùng đang hoạt động tên {options['username']!r}.")
        _token, secret = token_create(user=user, name=options["name"])
        self.stdout.write(secret)
