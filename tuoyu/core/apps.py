from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuoyu.core"
    verbose_name = "Core"
