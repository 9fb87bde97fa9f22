"""Static files taken one by one from an npm package, where the package ships far more than the site uses.

ECharts' `dist/` is 51 MB of builds, ES modules and source maps for the one 1 MB file the pages load;
collected whole, `collectstatic` compressed all of it twice (gzip and brotli) for minutes on every deploy
and every test run of the production pipeline. `settings.TUOYU_VENDOR_FILES` names each file
({URL path under STATIC_URL: file on disk}); the files still come from npm (package.json and its lock),
never copied into the repository.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files: dict[str, Path] = {
            url_path: Path(source) for url_path, source in getattr(settings, "TUOYU_VENDOR_FILES", {}).items()
        }

    def check(self, **kwargs):
        return [
            Error(f"TUOYU_VENDOR_FILES: {source} is missing (run `npm ci`)", id="tuoyu.E010")
            for source in self.files.values()
            if not source.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)  # Django 5.2 still accepts the old keyword
        source = self.files.get(path)
        if source is None or not source.is_file():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for url_path, source in self.files.items():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            # collectstatic writes a file at `prefix/name`, as it does for a prefixed STATICFILES_DIRS entry.
            storage.prefix = str(Path(url_path).parent)
            yield source.name, storage
