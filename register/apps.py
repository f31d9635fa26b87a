from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Commendation register")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from documents.registry import register
        from register import catalogue
        from register.documents import KIND
        from register.models import Award, RuleSet

        register(KIND)

        for model in (Award, RuleSet):
            post_save.connect(
                catalogue.clear_cache, sender=model, dispatch_uid=f"clear-{model.__name__}"
            )
            post_delete.connect(
                catalogue.clear_cache, sender=model, dispatch_uid=f"clear-del-{model.__name__}"
            )
