"""The `phasebook` plugin's options in mkdocs.yml; their defaults are generator.build.outputs'
`Options`, which every `phasebook` command reads too."""

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from generator.build.outputs import DEFAULTS


class PositiveInt(c.Type):
    """A whole number from 1: `0` or `-1` would silently give empty catalogues."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"expected a whole number from 1, got {value!r}")
        return value


class Hosts(c.ListOfItems):
    """Host names, as a browser's address bar shows them: `https://x/` or `x/y` would
    never match an embed's host, so the author would wonder why it is refused."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=list(DEFAULTS.embed_hosts))

    def run_validation(self, value: object) -> list[str]:
        hosts = super().run_validation(value)
        for host in hosts:
            if not host or any(mark in host for mark in ":/?# "):
                raise ValidationError(
                    f"expected a host name such as www.youtube-nocookie.com, got {host!r}"
                )
        return [host.lower() for host in hosts]


class PhasebookConfig(Config):
    enabled = c.Type(bool, default=DEFAULTS.enabled)

    # Sources, relative to mkdocs.yml. Guides live in MkDocs' own docs_dir.
    phases_dir = c.Type(str, default=DEFAULTS.phases_dir)

    # Where the Whoosh index for `phasebook search` and the search API goes: never site/.
    search_index = c.Type(str, default=DEFAULTS.search_index)

    # A folder whose templates replace the packaged ones of the same name.
    templates_dir = c.Optional(c.Type(str))

    # Build the global nav (home, stages → phases) when mkdocs.yml has no `nav`.
    nav = c.Type(bool, default=DEFAULTS.nav)

    # Refuse to build while content is stale (an ATX with no upcoming session and no
    # recording) instead of only mentioning it. `phasebook build --strict-content` sets it
    # through PHASEBOOK_STRICT_CONTENT=1.
    strict_content = c.Type(bool, default=DEFAULTS.strict_content)

    # The links that are for the CS team, not for customers: the edit button on every page,
    # the repository in the header and the generator credit in the footer. Off, so that a
    # published portal shows none; true for an internal preview.
    staff_links = c.Type(bool, default=DEFAULTS.staff_links)

    # Rows per catalogue page (/atx/, /atx/2/ …): a phone renders a page quickly however
    # large the catalogue grows.
    catalogue_page_size = PositiveInt(default=DEFAULTS.catalogue_page_size)

    # Guides (the Markdown of docs_dir) may hold HTML but no script: `<script>`, on…=
    # attributes and javascript:/data:/vbscript: addresses are refused, and so is an
    # <iframe> unless its host is listed here (video platforms, say). allow_raw_html: true
    # publishes whatever the authors write, for a portal whose authors are all trusted.
    allow_raw_html = c.Type(bool, default=DEFAULTS.allow_raw_html)
    embed_hosts = Hosts()

    # The footer's copyright line in each portal language ({ja: © ミライクラウド株式会社,
    # en: © MiraiCloud, Inc.}): mkdocs.yml's one `copyright` would show the vendor's
    # Japanese name on English pages. A language not given keeps mkdocs.yml's.
    copyright = c.DictOfItems(c.Type(str), default={})
