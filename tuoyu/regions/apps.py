from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "tuoyu.regions"
    verbose_name = "Regions"
