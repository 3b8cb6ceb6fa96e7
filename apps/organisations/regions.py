"""European regions, derived from an organisation's country.

The grouping follows the UN M49 sub-regions for Western, Northern and Southern
Europe, except that the post-socialist states (the Baltic states, the Balkans
and the South Caucasus included) form Central and Eastern Europe (CEE), as in
the PE literature: the roadmap singles out CEE's barriers to PE. Turkey counts
as Southern Europe. Every other country is "outside Europe".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    WESTERN = "western", _("Western Europe")
    NORTHERN = "northern", _("Northern Europe")
    SOUTHERN = "southern", _("Southern Europe")
    CEE = "cee", _("Central and Eastern Europe")
    OUTSIDE = "outside", _("Outside Europe")


_REGION_COUNTRIES = {
    Region.WESTERN: "AT BE CH DE FR IE LI LU MC NL GB",
    Region.NORTHERN: "DK FI FO GL IS NO SE AX SJ IM JE GG",
    Region.SOUTHERN: "AD CY ES GI GR IT MT PT SM VA TR",
    Region.CEE: "AL BA BG BY CZ EE HR HU LT LV MD ME MK PL RO RS RU SI SK UA XK GE AM AZ",
}

COUNTRY_REGION: dict[str, str] = {
    code: region for region, codes in _REGION_COUNTRIES.items() for code in codes.split()
}

# Every European country, for forms that list Europe first.
EUROPEAN_COUNTRIES = frozenset(COUNTRY_REGION)


def region_for_country(code: str) -> str:
    return COUNTRY_REGION.get(str(code).upper(), Region.OUTSIDE)
