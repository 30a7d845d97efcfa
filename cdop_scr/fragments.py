"""`{% cache key %}...{% endcache %}`: render a template fragment once per key, per process.

For markup built only from codes, labels and URLs (a list page's filter and search forms), which
costs more to render through the GOV.UK macros than the rest of the page. The key must name
everything the fragment shows; a key of None renders without caching (a form showing errors).
Never cache a fragment that shows identifiers, narrative or a CSRF token.
"""

from jinja2 import nodes
from jinja2.ext import Extension

MAX_FRAGMENTS = 512


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_cache={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_cached", [key]), [], [], body).set_lineno(lineno)

    def _cached(self, key, caller):
        if key is None:
            return caller()
        cache = self.environment.fragment_cache
        try:
            return cache[key]
        except KeyError:
            pass
        if len(cache) >= MAX_FRAGMENTS:
            cache.pop(next(iter(cache)), None)  # oldest first: keys are few and rarely change
        value = cache[key] = caller()
        return value
