from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemplaryConfig(AppConfig):
    name = "exemplary"
    verbose_name = _("Exemplary models")
