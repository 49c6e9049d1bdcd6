"""A national-size example catalogue for benchmarks and scale tests.

``generate_catalogue(services=20_000, seed=1)`` spreads support services over the real geography
in the database (load the reference data first): more services where more people live, service
points near postal-area centres, realistic mixes of tiers, channels, target groups, languages,
providers, contact points, opening hours and group sessions.

Everything is drawn from one ``random.Random(seed)``, uuids included, and times count from a
fixed epoch, so the same seed and count give the same catalogue on any machine and database.
Records carry ``source=GENERATED`` and external ids ``GEN-<seed>-<index>``: they are example
content (``is_example``) and never collide with imported records. Objects are built in memory
first, then written with ``bulk_create`` in one transaction.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, models
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import translation
from django.utils.text import slugify

from services.catalogue import Change, change
from services.catalogue.history import GENERATED
from services.models import (
    Attribute,
    Channel,
    ContactPoint,
    GroupSession,
    Language,
    LifeSituation,
    Location,
    Municipality,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    PostalArea,
    ServiceClass,
    Source,
    SupportService,
    TargetGroup,
    Tier,
    WellbeingServicesCounty,
)
from services.models.geography import FINLAND_LAT, FINLAND_LON
from services.validators import business_id_check_digit

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
Hours = list[tuple[int, dt.time, dt.time]]  # (weekday, opens, closes)

# Times count from here, not from now(), so that a seed always gives the same catalogue.
# Listings were confirmed 60–600 days before it; group sessions run from a few weeks before it.
EPOCH = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
HELSINKI = ZoneInfo("Europe/Helsinki")
BATCH_SIZE = 2_000
METRES_PER_DEGREE = 111_320.0
MIDNIGHT = dt.time(0, 0)  # as closing time: open until midnight
EVENING = dt.time(17, 0)

DIGITAL = "DIGITAL"
INDIVIDUAL = "UNIVERSAL_INDIVIDUAL"
GROUP = "UNIVERSAL_GROUP"
SPECIALIST = "SPECIALIST"

PUBLIC = Organisation.Kind.PUBLIC.value
NGO = Organisation.Kind.NGO.value
PARISH = Organisation.Kind.PARISH.value
OTHER = Organisation.Kind.OTHER.value

NATIONWIDE = "nationwide"
COUNTY = "county"
MUNICIPALITIES = "municipalities"
MUNICIPALITY = "municipality"

IN_PERSON_CHANNELS = ("IN_PERSON", "HOME_VISIT", "GROUP", "MEETING_PLACE")
SAMI_MUNICIPALITIES = ("047", "148", "758", "890")  # Enontekiö, Inari, Sodankylä, Utsjoki
MIGRANT_LANGUAGES = ("ru", "et", "uk", "ar", "so", "fa", "ku", "ti", "tr", "sq", "vi", "th", "zh")
OTHER_LANGUAGES = ("es", "fr", "de", "fse")

TIER_WEIGHTS = {DIGITAL: 8, INDIVIDUAL: 40, GROUP: 34, SPECIALIST: 18}
AREA_WEIGHTS = {
    DIGITAL: {NATIONWIDE: 45, COUNTY: 40, MUNICIPALITIES: 5, MUNICIPALITY: 10},
    INDIVIDUAL: {NATIONWIDE: 0.5, COUNTY: 10, MUNICIPALITIES: 15, MUNICIPALITY: 74.5},
    GROUP: {NATIONWIDE: 0.5, COUNTY: 5, MUNICIPALITIES: 10, MUNICIPALITY: 84.5},
    SPECIALIST: {NATIONWIDE: 3, COUNTY: 55, MUNICIPALITIES: 25, MUNICIPALITY: 17},
}
PROVIDER_WEIGHTS = {
    DIGITAL: {PUBLIC: 25, NGO: 65, PARISH: 5, OTHER: 5},
    INDIVIDUAL: {PUBLIC: 75, NGO: 12, PARISH: 10, OTHER: 3},
    GROUP: {PUBLIC: 35, NGO: 35, PARISH: 25, OTHER: 5},
    SPECIALIST: {PUBLIC: 80, NGO: 10, PARISH: 5, OTHER: 5},
}
LOCATION_COUNT_WEIGHTS = {
    DIGITAL: {0: 1},
    INDIVIDUAL: {1: 60, 2: 28, 3: 12},
    GROUP: {1: 65, 2: 25, 3: 10},
    SPECIALIST: {1: 70, 2: 30},
}
TARGET_GROUP_COUNT_WEIGHTS = {0: 15, 1: 35, 2: 28, 3: 15, 4: 7}
LIFE_SITUATION_COUNT_WEIGHTS = {1: 30, 2: 35, 3: 22, 4: 13}
STATUS_WEIGHTS = {
    SupportService.Status.PUBLISHED.value: 88,
    SupportService.Status.DRAFT.value: 5,
    SupportService.Status.PENDING_REVIEW.value: 4,
    SupportService.Status.ARCHIVED.value: 3,
}
LOCATION_CAPACITY = {  # families a week at one service point, by tier
    DIGITAL: (20, 60),
    INDIVIDUAL: (15, 60),
    GROUP: (8, 20),
    SPECIALIST: (5, 25),
}
ORGANISATION_CAPACITY = (6, 18)  # services per organisation before a new one starts


@dataclass(frozen=True)
class ServiceKind:
    """A kind of support service ("perheneuvola") that generated services are composed from."""

    tier: str
    fi: str  # lower case, as it reads after a place: "Mikkelin perheneuvola"
    sv: str
    en: str
    channels: tuple[str, ...]
    extra_channels: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    life_situations: tuple[str, ...] = ()
    ages: tuple[int | None, int | None] = (None, None)
    prenatal: bool = False
    service_class: str = "P3"
    weight: int = 1
    providers: tuple[str, ...] = ()  # empty: the tier's usual mix


# fmt: off
K = ServiceKind
SERVICE_KINDS = (
    # Digital: remote channels only.
    K(DIGITAL, "vanhempainchat", "föräldrachatt", "chat for parents", ("CHAT",),
      ("PHONE", "LETTER"), ("PARENTS", "MOTHERS", "FATHERS", "ONE_PARENT"),
      ("BABY", "CHILD_BEHAVIOUR", "MENTAL_HEALTH", "COUPLE_DIFFICULTIES"), (0, 17), weight=3),
    K(DIGITAL, "vanhempainpuhelin", "föräldratelefon", "helpline for parents", ("PHONE",),
      ("CHAT", "LETTER"), ("PARENTS", "GRANDPARENTS"),
      ("CHILD_BEHAVIOUR", "ADOLESCENCE", "MENTAL_HEALTH", "FINANCES"), (0, 17), weight=2),
    K(DIGITAL, "nettikirjepalvelu vanhemmille", "nätbrevstjänst för föräldrar",
      "online letter service for parents", ("LETTER",), (), ("PARENTS",),
      ("CHILD_BEHAVIOUR", "SCHOOL_AGE", "ADOLESCENCE", "SEPARATION"), (0, 17)),
    K(DIGITAL, "vanhemmuuden verkkokurssi", "webbkurs i föräldraskap", "online parenting course",
      ("ONLINE_COURSE",), ("SELF_HELP",), ("PARENTS", "EXPECTING", "FATHERS"),
      ("BABY", "TODDLER_PRESCHOOL", "CHILD_BEHAVIOUR"), (0, 6), weight=2),
    K(DIGITAL, "omahoito-ohjelma vanhemmille", "självhjälpsprogram för föräldrar",
      "self-help programme for parents", ("SELF_HELP",), ("ONLINE_COURSE",), ("PARENTS",),
      ("CHILD_BEHAVIOUR", "MENTAL_HEALTH", "TODDLER_PRESCHOOL"), (2, 12), weight=2),
    K(DIGITAL, "eroperheiden verkkoryhmä", "nätgrupp för skilsmässofamiljer",
      "online group for separating families", ("ONLINE_GROUP",), ("CHAT",),
      ("SEPARATING", "ONE_PARENT", "STEPFAMILY"), ("SEPARATION", "STEPFAMILY"), weight=2),
    K(DIGITAL, "vauvaperheiden verkkoluennot", "webbföreläsningar för babyfamiljer",
      "online lectures for baby families", ("ONLINE_LECTURE",), (),
      ("EXPECTING", "PARENTS", "FATHERS"), ("PREGNANCY", "BABY"), (0, 1), True, weight=2),
    K(DIGITAL, "isien keskustelupalsta", "diskussionsforum för pappor",
      "discussion forum for fathers", ("FORUM",), ("CHAT",), ("FATHERS",),
      ("BABY", "SEPARATION", "COUPLE_DIFFICULTIES")),
    K(DIGITAL, "parisuhdechat", "parrelationschatt", "relationship chat", ("CHAT",),
      ("LETTER", "PHONE"), ("COUPLES", "RAINBOW", "STEPFAMILY"),
      ("COUPLE_DIFFICULTIES", "SEPARATION", "INFERTILITY"), service_class="P3.1"),
    K(DIGITAL, "videoneuvonta perheille", "videorådgivning för familjer",
      "video counselling for families", ("VIDEO",), ("PHONE", "CHAT"), ("PARENTS", "COUPLES"),
      ("CHILD_BEHAVIOUR", "COUPLE_DIFFICULTIES", "MENTAL_HEALTH"), (0, 17), weight=2,
      service_class="P3.7"),
    K(DIGITAL, "sateenkaariperheiden verkkoryhmä", "nätgrupp för regnbågsfamiljer",
      "online group for rainbow families", ("ONLINE_GROUP",), ("FORUM",),
      ("RAINBOW", "EXPECTING"), ("PREGNANCY", "BABY", "INFERTILITY")),
    K(DIGITAL, "lähisuhdeväkivallan chat", "chatt om våld i nära relationer",
      "chat about violence in close relationships", ("CHAT",), ("PHONE",),
      ("PARENTS", "MOTHERS", "COUPLES"), ("VIOLENCE", "SEPARATION", "MENTAL_HEALTH")),
    K(DIGITAL, "monikielinen perheneuvonta verkossa", "flerspråkig familjerådgivning på nätet",
      "multilingual family counselling online", ("VIDEO", "CHAT"), ("PHONE",),
      ("IMMIGRANT", "MULTICULTURAL"), ("MIGRATION", "COUPLE_DIFFICULTIES", "CHILD_BEHAVIOUR")),
    # Universal, individual.
    K(INDIVIDUAL, "äitiysneuvola", "mödrarådgivning", "maternity clinic", ("IN_PERSON",),
      ("HOME_VISIT", "PHONE", "VIDEO"), ("EXPECTING", "MOTHERS", "FATHERS", "YOUNG_PARENTS"),
      ("PREGNANCY", "BABY", "MENTAL_HEALTH", "SUBSTANCE"), prenatal=True, service_class="P5.2",
      weight=4, providers=(PUBLIC,)),
    K(INDIVIDUAL, "lastenneuvola", "barnrådgivning", "child health clinic", ("IN_PERSON",),
      ("HOME_VISIT", "PHONE"), ("PARENTS", "MOTHERS", "FATHERS", "MULTIPLES"),
      ("BABY", "TODDLER_PRESCHOOL", "CHILD_DEVELOPMENT", "CHILD_BEHAVIOUR"), (0, 6),
      service_class="P5.2", weight=5, providers=(PUBLIC,)),
    K(INDIVIDUAL, "perheneuvola", "familjerådgivning", "family counselling clinic",
      ("IN_PERSON",), ("VIDEO", "PHONE"), ("PARENTS", "SEPARATING", "STEPFAMILY"),
      ("CHILD_BEHAVIOUR", "CHILD_DEVELOPMENT", "SEPARATION", "SCHOOL_AGE", "ADOLESCENCE"),
      (0, 17), service_class="P3.7", weight=3, providers=(PUBLIC, PARISH)),
    K(INDIVIDUAL, "perhetyö", "familjearbete", "family work", ("IN_PERSON", "HOME_VISIT"),
      ("PHONE",), ("PARENTS", "ONE_PARENT", "MULTIPLES", "YOUNG_PARENTS"),
      ("BABY", "TODDLER_PRESCHOOL", "MENTAL_HEALTH", "CHILD_BEHAVIOUR", "FINANCES"), (0, 17),
      service_class="P3.6", weight=3),
    K(INDIVIDUAL, "lapsiperheiden kotipalvelu", "hemservice för barnfamiljer",
      "home help for families with children", ("HOME_VISIT",), ("PHONE",),
      ("PARENTS", "MULTIPLES", "ONE_PARENT", "DISABLED_CHILD"),
      ("BABY", "ILLNESS_DISABILITY", "MENTAL_HEALTH"), (0, 12), service_class="P3.6", weight=3,
      providers=(PUBLIC, NGO, OTHER)),
    K(INDIVIDUAL, "parisuhdeneuvonta", "parrådgivning", "couples counselling", ("IN_PERSON",),
      ("VIDEO", "PHONE"), ("COUPLES", "STEPFAMILY", "RAINBOW"),
      ("COUPLE_DIFFICULTIES", "SEPARATION", "VIOLENCE"), service_class="P3.1", weight=2),
    K(INDIVIDUAL, "eroneuvonta", "skilsmässorådgivning", "separation counselling",
      ("IN_PERSON",), ("PHONE", "CHAT"), ("SEPARATING", "ONE_PARENT"),
      ("SEPARATION", "COUPLE_DIFFICULTIES"), service_class="P3.1"),
    K(INDIVIDUAL, "perheohjaus", "familjehandledning", "family guidance", ("IN_PERSON",),
      ("HOME_VISIT", "PHONE"), ("PARENTS",), ("CHILD_BEHAVIOUR", "SCHOOL_AGE", "FINANCES"),
      (0, 17), service_class="P3.6", weight=2, providers=(PUBLIC,)),
    K(INDIVIDUAL, "perhekeskuksen palveluohjaus", "servicehandledning på familjecentret",
      "family centre service guidance", ("IN_PERSON", "PHONE"), ("CHAT",), ("PARENTS",),
      ("BABY", "SCHOOL_AGE", "FINANCES", "MIGRATION"), (0, 17), weight=2, providers=(PUBLIC,)),
    K(INDIVIDUAL, "isätyö", "pappaarbete", "support for fathers", ("IN_PERSON",), ("PHONE",),
      ("FATHERS",), ("BABY", "SEPARATION", "COUPLE_DIFFICULTIES"), providers=(NGO, PARISH)),
    K(INDIVIDUAL, "talous- ja velkaneuvonta lapsiperheille",
      "ekonomi- och skuldrådgivning för barnfamiljer", "debt counselling for families",
      ("IN_PERSON",), ("PHONE", "VIDEO"), ("PARENTS", "ONE_PARENT"), ("FINANCES",),
      service_class="P3.6"),
    # Universal, groups and meeting places.
    K(GROUP, "perhekahvila", "familjecafé", "family café", ("MEETING_PLACE",), (),
      ("PARENTS", "GRANDPARENTS", "MULTICULTURAL"), ("BABY", "TODDLER_PRESCHOOL"), (0, 6),
      weight=5),
    K(GROUP, "leikkipuisto", "lekpark", "playground with family activities",
      ("MEETING_PLACE",), ("GROUP",), ("PARENTS", "GRANDPARENTS"), ("TODDLER_PRESCHOOL",),
      (0, 6), weight=2, providers=(PUBLIC,)),
    K(GROUP, "vauvaryhmä", "babygrupp", "baby group", ("GROUP",), (),
      ("PARENTS", "MOTHERS", "FATHERS"), ("BABY",), (0, 1), weight=4),
    K(GROUP, "perhevalmennus", "familjeförberedelse", "antenatal classes", ("GROUP",),
      ("ONLINE_GROUP",), ("EXPECTING", "FATHERS", "YOUNG_PARENTS"), ("PREGNANCY", "BABY"),
      prenatal=True, service_class="P5.2", weight=3, providers=(PUBLIC,)),
    K(GROUP, "isä-lapsiryhmä", "pappa-barngrupp", "father and child group", ("GROUP",), (),
      ("FATHERS",), ("TODDLER_PRESCHOOL", "BABY"), (0, 6), weight=2),
    K(GROUP, "eroryhmä", "skilsmässogrupp", "peer support group for separated parents",
      ("GROUP",), ("ONLINE_GROUP",), ("SEPARATING", "ONE_PARENT"), ("SEPARATION",), weight=2,
      service_class="P3.1"),
    K(GROUP, "uusperheryhmä", "grupp för ombildade familjer", "stepfamily group", ("GROUP",),
      ("ONLINE_GROUP",), ("STEPFAMILY", "COUPLES"), ("STEPFAMILY", "COUPLE_DIFFICULTIES")),
    K(GROUP, "monikkoperheiden ryhmä", "grupp för flerlingsfamiljer",
      "group for families with twins", ("GROUP",), (), ("MULTIPLES",),
      ("BABY", "TODDLER_PRESCHOOL"), (0, 6)),
    K(GROUP, "parisuhdekurssi", "parkurs", "relationship course", ("GROUP",),
      ("ONLINE_GROUP",), ("COUPLES",), ("COUPLE_DIFFICULTIES",), weight=2,
      service_class="P3.1"),
    K(GROUP, "vanhempainryhmä", "föräldragrupp", "parents' group", ("GROUP",), (),
      ("PARENTS",), ("CHILD_BEHAVIOUR", "SCHOOL_AGE", "ADOLESCENCE"), (3, 15), weight=3),
    K(GROUP, "leikkikerho", "lekklubb", "play club", ("GROUP",), (), ("PARENTS",),
      ("TODDLER_PRESCHOOL",), (2, 5), weight=2),
    K(GROUP, "monikulttuurinen perhekahvila", "mångkulturellt familjecafé",
      "multicultural family café", ("MEETING_PLACE",), ("GROUP",),
      ("IMMIGRANT", "MULTICULTURAL"), ("MIGRATION", "BABY", "TODDLER_PRESCHOOL"), (0, 6)),
    K(GROUP, "sateenkaariperheiden vertaisryhmä", "kamratgrupp för regnbågsfamiljer",
      "peer group for rainbow families", ("GROUP",), ("ONLINE_GROUP",), ("RAINBOW",),
      ("PREGNANCY", "BABY", "TODDLER_PRESCHOOL")),
    K(GROUP, "erityislasten perheiden vertaisryhmä",
      "kamratgrupp för familjer med barn med särskilda behov",
      "peer group for families of children with special needs", ("GROUP",), (),
      ("DISABLED_CHILD",), ("ILLNESS_DISABILITY", "CHILD_DEVELOPMENT"), (0, 17)),
    K(GROUP, "nuorten vanhempien ryhmä", "grupp för unga föräldrar", "young parents' group",
      ("GROUP",), (), ("YOUNG_PARENTS",), ("BABY", "PREGNANCY"), (0, 2)),
    K(GROUP, "surevien vanhempien vertaisryhmä", "kamratgrupp för sörjande föräldrar",
      "peer group for bereaved parents", ("GROUP",), ("ONLINE_GROUP",), ("BEREAVED",),
      ("BEREAVEMENT",), providers=(NGO, PARISH)),
    # Specialist.
    K(SPECIALIST, "tehostettu perhetyö", "intensifierat familjearbete", "intensive family work",
      ("IN_PERSON", "HOME_VISIT"), ("PHONE",), ("PARENTS", "ONE_PARENT"),
      ("CHILD_BEHAVIOUR", "MENTAL_HEALTH", "SUBSTANCE", "VIOLENCE"), (0, 17),
      service_class="P3.6", weight=3, providers=(PUBLIC,)),
    K(SPECIALIST, "lastensuojelun perhetyö", "familjearbete inom barnskyddet",
      "child welfare family work", ("IN_PERSON", "HOME_VISIT"), ("PHONE",), ("PARENTS",),
      ("CHILD_BEHAVIOUR", "SUBSTANCE", "VIOLENCE"), (0, 17), service_class="P3.8", weight=2,
      providers=(PUBLIC,)),
    K(SPECIALIST, "perheterapia", "familjeterapi", "family therapy", ("IN_PERSON",),
      ("VIDEO",), ("PARENTS", "COUPLES", "STEPFAMILY"),
      ("MENTAL_HEALTH", "CHILD_BEHAVIOUR", "COUPLE_DIFFICULTIES"), (0, 17),
      service_class="P3.7", weight=2),
    K(SPECIALIST, "perheasioiden sovittelu", "medling i familjeärenden", "family mediation",
      ("IN_PERSON",), ("VIDEO", "PHONE"), ("SEPARATING",), ("SEPARATION",), (0, 17),
      service_class="P3.5", weight=2, providers=(PUBLIC, PARISH)),
    K(SPECIALIST, "lastenvalvoja", "barnatillsyningsman", "child welfare supervisor",
      ("IN_PERSON",), ("PHONE", "VIDEO"), ("SEPARATING", "ONE_PARENT"), ("SEPARATION",),
      (0, 17), service_class="P3.5", weight=2, providers=(PUBLIC,)),
    K(SPECIALIST, "valvotut tapaamiset", "övervakade umgängen", "supervised visits",
      ("IN_PERSON",), (), ("SEPARATING",), ("SEPARATION", "VIOLENCE"), (0, 17),
      service_class="P3.5"),
    K(SPECIALIST, "lapsiperheiden sosiaalityö", "socialt arbete för barnfamiljer",
      "social work for families with children", ("IN_PERSON", "HOME_VISIT"), ("PHONE",),
      ("PARENTS", "ONE_PARENT", "IMMIGRANT"), ("FINANCES", "MENTAL_HEALTH", "SUBSTANCE"),
      (0, 17), service_class="P3.6", weight=2, providers=(PUBLIC,)),
    K(SPECIALIST, "päihdeperhetyö", "familjearbete inom missbrukarvården",
      "family work in substance abuse services", ("IN_PERSON",), ("HOME_VISIT", "PHONE"),
      ("PARENTS", "EXPECTING"), ("SUBSTANCE", "PREGNANCY"), service_class="P5.7"),
    K(SPECIALIST, "lähisuhdeväkivaltatyö", "arbete mot våld i nära relationer",
      "work against violence in close relationships", ("IN_PERSON",), ("PHONE", "CHAT"),
      ("PARENTS", "COUPLES"), ("VIOLENCE", "SEPARATION")),
    K(SPECIALIST, "vauvaperhetyö", "familjearbete för babyfamiljer", "infant family work",
      ("IN_PERSON", "HOME_VISIT"), ("VIDEO",), ("EXPECTING", "PARENTS", "YOUNG_PARENTS"),
      ("BABY", "MENTAL_HEALTH", "PREGNANCY"), (0, 1), True, service_class="P3.6"),
    K(SPECIALIST, "lastenpsykiatrinen perhetyö", "barnpsykiatriskt familjearbete",
      "child psychiatric family work", ("IN_PERSON",), ("VIDEO", "PHONE"), ("PARENTS",),
      ("MENTAL_HEALTH", "CHILD_BEHAVIOUR", "CHILD_DEVELOPMENT"), (0, 17), service_class="P5.7",
      providers=(PUBLIC,)),
    K(SPECIALIST, "kriisityö", "krisarbete", "crisis support", ("IN_PERSON",),
      ("PHONE", "VIDEO"), ("BEREAVED", "PARENTS"), ("BEREAVEMENT", "VIOLENCE")),
    K(SPECIALIST, "perheasiain neuvottelukeskus", "familjerådgivningscentral",
      "church family counselling centre", ("IN_PERSON",), ("VIDEO", "PHONE"),
      ("COUPLES", "PARENTS", "STEPFAMILY"), ("COUPLE_DIFFICULTIES", "SEPARATION"),
      service_class="P3.7", weight=2, providers=(PARISH,)),
)
del K

# Finnish genitives the suffix rules in finnish_genitive() would get wrong or cannot make.
GENITIVES = {
    "Alavieska": "Alavieskan", "Alavus": "Alavuden", "Hailuoto": "Hailuodon", "Hanko": "Hangon",
    "Helsinki": "Helsingin", "Ii": "Iin", "Iitti": "Iitin", "Ilomantsi": "Ilomantsin",
    "Inari": "Inarin", "Juuka": "Juuan", "Kaavi": "Kaavin", "Kajaani": "Kajaanin",
    "Kannus": "Kannuksen", "Keitele": "Keiteleen", "Kemi": "Kemin", "Kempele": "Kempeleen",
    "Kolari": "Kolarin", "Koski Tl": "Kosken Tl", "Kotka": "Kotkan", "Kuortane": "Kuortaneen",
    "Kurikka": "Kurikan", "Kustavi": "Kustavin", "Lahti": "Lahden", "Lemi": "Lemin",
    "Lieto": "Liedon", "Liminka": "Limingan", "Liperi": "Liperin", "Loppi": "Lopen",
    "Luhanka": "Luhangan", "Luoto": "Luodon", "Masku": "Maskun", "Mikkeli": "Mikkelin",
    "Muhos": "Muhoksen", "Muurame": "Muuramen", "Naantali": "Naantalin", "Nurmes": "Nurmeksen",
    "Outokumpu": "Outokummun", "Pihtipudas": "Pihtiputaan", "Pomarkku": "Pomarkun",
    "Pori": "Porin", "Punkalaidun": "Punkalaitumen", "Puolanka": "Puolangan",
    "Pyhäntä": "Pyhännän", "Pälkäne": "Pälkäneen", "Raahe": "Raahen", "Raasepori": "Raaseporin",
    "Rusko": "Ruskon", "Savitaipale": "Savitaipaleen", "Sievi": "Sievin", "Soini": "Soinin",
    "Tampere": "Tampereen", "Toivakka": "Toivakan", "Turku": "Turun",
    "Uusikaarlepyy": "Uudenkaarlepyyn", "Uusikaupunki": "Uudenkaupungin", "Varkaus": "Varkauden",
    "Vesanto": "Vesannon", "Veteli": "Vetelin", "Vihti": "Vihdin", "Vimpeli": "Vimpelin",
    "Virrat": "Virtain", "Vöyri": "Vöyrin", "Ylivieska": "Ylivieskan", "Ähtäri": "Ähtärin",
}
GENITIVE_ENDINGS = (
    ("kaupunki", "kaupungin"), ("kunta", "kunnan"), ("järvi", "järven"), ("joki", "joen"),
    ("lahti", "lahden"), ("niemi", "niemen"), ("koski", "kosken"), ("saari", "saaren"),
    ("salmi", "salmen"), ("vesi", "veden"), ("mäki", "mäen"), ("lampi", "lammen"),
    ("nummi", "nummen"), ("ranta", "rannan"), ("virta", "virran"), ("valta", "vallan"),
    ("kylä", "kylän"), ("nen", "sten"),
)
VOWELS = "aeiouyäö"

# Organisation names. National ones are fictitious; local ones are composed from the place.
NATIONAL_NGOS = (
    ("Perheverkko ry", "Familjenätverket rf", "Family Network"),
    ("Vanhemmuuden tuki ry", "Stöd för föräldraskap rf", "Parenting Support Association"),
    ("Parisuhdeapu ry", "Parrelationshjälpen rf", "Relationship Help"),
    ("Isät ja lapset ry", "Pappor och barn rf", "Fathers and Children"),
    ("Eroperheiden liitto ry", "Förbundet för skilsmässofamiljer rf", "Separated Families Union"),
    ("Vauvaperheiden tuki ry", "Stöd för babyfamiljer rf", "Baby Family Support"),
    ("Monikulttuuriset perheet ry", "Mångkulturella familjer rf", "Multicultural Families"),
    ("Sateenkaarivanhemmat ry", "Regnbågsföräldrar rf", "Rainbow Parents"),
    ("Lapsiperheiden auttava puhelin ry", "Hjälptelefonen för barnfamiljer rf", "Family Helpline"),
    ("Turvallinen koti ry", "Tryggt hem rf", "Safe Home"),
    ("Vertaistukikeskus ry", "Kamratstödscentret rf", "Peer Support Centre"),
    ("Surevien perheiden tuki ry", "Stöd för sörjande familjer rf", "Bereaved Families Support"),
)
NATIONAL_OTHERS = (
    ("Perhekoulutuksen säätiö", "Stiftelsen för familjeutbildning", "Family Education Foundation"),
    ("Vanhemmuuden verkkopalvelut Oy", "Föräldraskapets nättjänster Ab", "Parenting Online Ltd"),
    ("Lapsiperheiden hyvinvointisäätiö", "Stiftelsen för barnfamiljers välbefinnande",
     "Foundation for Family Wellbeing"),
)
NATIONAL_PARISHES = (
    ("Kirkon perhetyön keskus", "Kyrkans centrum för familjearbete",
     "Church Centre for Family Work"),
)
# (fi after a genitive, sv in definite form before "i <place>", en)
PUBLIC_UNITS = (
    ("perhekeskus", "familjecentret", "family centre"),
    ("perhepalvelut", "familjetjänsterna", "family services"),
    ("neuvolapalvelut", "rådgivningstjänsterna", "child health clinic services"),
    ("lapsiperheiden sosiaalipalvelut", "socialtjänsterna för barnfamiljer",
     "social services for families with children"),
    ("perheneuvonta", "familjerådgivningen", "family counselling"),
    ("erityispalvelut", "specialtjänsterna", "specialist services"),
)
NGO_UNITS = (
    ("perheyhdistys ry", "familjeföreningen", "family association"),
    ("vanhempainyhdistys ry", "föräldraföreningen", "parents' association"),
    ("perhekerho ry", "familjeklubben", "family club"),
    ("vertaistukiyhdistys ry", "kamratstödsföreningen", "peer support association"),
    ("lapsiperheyhdistys ry", "barnfamiljeföreningen", "association for families"),
)
# (fi after a genitive, sv after the place, en after the place)
PARISH_UNITS = (
    ("seurakunta", "församling", "parish"),
    ("seurakuntayhtymä", "kyrkliga samfällighet", "parish union"),
    ("ortodoksinen seurakunta", "ortodoxa församling", "Orthodox parish"),
)
COMPANY_PATTERNS = (
    "Perheterapia {} Oy", "Perhekuntoutus {} Oy", "Terapiakeskus {} Oy",
    "Lapsiperhepalvelu {} Oy", "Perhevalmennus {} Oy",
)
SURNAMES = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
    "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen",
)
STREETS = (
    ("Kirkkokatu", "Kyrkogatan"), ("Koulukatu", "Skolgatan"), ("Asemakatu", "Stationsgatan"),
    ("Kauppakatu", "Handelsgatan"), ("Rantatie", "Strandvägen"), ("Puistokatu", "Parkgatan"),
    ("Torikatu", "Torggatan"), ("Sairaalantie", "Sjukhusvägen"), ("Myllytie", "Kvarnvägen"),
    ("Keskuskatu", "Centralgatan"), ("Rautatienkatu", "Järnvägsgatan"),
    ("Koivukuja", "Björkgränden"), ("Mäntytie", "Tallvägen"), ("Kuusitie", "Granvägen"),
    ("Pajatie", "Smedjevägen"), ("Urheilutie", "Idrottsvägen"), ("Terveystie", "Hälsovägen"),
    ("Kivitie", "Stenvägen"), ("Harjutie", "Åsvägen"), ("Kalliotie", "Bergsvägen"),
)
# Telephone area codes by wellbeing services county.
AREA_CODES = {
    "01": "019", "02": "09", "03": "019", "04": "09", "05": "02", "06": "02", "07": "03",
    "08": "03", "09": "03", "10": "05", "11": "05", "12": "015", "13": "017", "14": "013",
    "15": "014", "16": "06", "17": "06", "18": "06", "19": "08", "20": "08", "21": "016",
    "90": "09", "91": "018",
}
COUNTY_REGIONS = {  # (fi genitive, sv with preposition, en) where the county's name gives none
    "90": ("Helsingin", "i Helsingfors", "Helsinki"),
    "91": ("Ahvenanmaan", "på Åland", "Åland"),
}

# Texts as (fi, sv, en).
DESCRIPTIONS = (
    "Kenelle: {groups}. Aiheet: {topics}. Asiointitavat: {ways}.",
    "För vem: {groups}. Teman: {topics}. Kontaktsätt: {ways}.",
    "For: {groups}. Topics: {topics}. Ways to use it: {ways}.",
)
ALL_PARENTS = ("kaikki vanhemmat", "alla föräldrar", "all parents")
HOW_TO_GET = {
    DIGITAL: (
        ("Avaa palvelu verkossa, rekisteröitymistä ei tarvita.",
         "Öppna tjänsten på nätet, ingen registrering behövs.",
         "Open the service online; no registration needed."),
        ("Ota yhteyttä chatissa tai puhelimitse palvelun aukioloaikoina.",
         "Kontakta oss i chatten eller per telefon under öppettiderna.",
         "Contact us by chat or phone during opening hours."),
        ("Ilmoittaudu verkkoryhmään palvelun verkkosivulla.",
         "Anmäl dig till nätgruppen på tjänstens webbplats.",
         "Sign up for the online group on the service's website."),
    ),
    INDIVIDUAL: (
        ("Varaa aika puhelimitse.", "Boka tid per telefon.", "Book an appointment by phone."),
        ("Varaa aika puhelimitse tai sähköisessä asiointipalvelussa.",
         "Boka tid per telefon eller i e-tjänsten.", "Book an appointment by phone or online."),
        ("Ota yhteyttä, niin sovitaan tapaaminen.", "Kontakta oss så kommer vi överens om en tid.",
         "Contact us and we will agree on a meeting."),
    ),
    GROUP: (
        ("Tule paikalle aukioloaikoina, ilmoittautumista ei tarvita.",
         "Kom under öppettiderna, ingen anmälan behövs.",
         "Drop in during opening hours; no need to sign up."),
        ("Ilmoittaudu ryhmään puhelimitse tai verkossa.",
         "Anmäl dig till gruppen per telefon eller på nätet.",
         "Sign up for the group by phone or online."),
    ),
    SPECIALIST: (
        ("Palveluun ohjataan neuvolasta, varhaiskasvatuksesta, koulusta tai sosiaalityöstä.",
         "Man hänvisas till tjänsten från rådgivningen, småbarnspedagogiken, skolan eller "
         "socialarbetet.",
         "Families are referred by the child health clinic, early childhood education, school "
         "or social work."),
        ("Ota yhteyttä puhelimitse; työntekijä arvioi tuen tarpeen kanssasi.",
         "Ring oss; en anställd bedömer behovet av stöd tillsammans med dig.",
         "Call us; a worker assesses your need for support with you."),
    ),
}
ELIGIBILITY = {
    NATIONWIDE: ("Kaikki Suomessa asuvat perheet.", "Alla familjer som bor i Finland.",
                 "All families living in Finland."),
    COUNTY: ("Hyvinvointialueen asukkaat.", "Invånare i välfärdsområdet.",
             "Residents of the wellbeing services county."),
    MUNICIPALITIES: ("Palvelualueen kuntien asukkaat.", "Invånare i kommunerna i området.",
                     "Residents of the municipalities served."),
    MUNICIPALITY: ("Kunnan asukkaat.", "Kommunens invånare.", "Residents of the municipality."),
}
FEES = (
    ("Asiakasmaksu asiakasmaksulain mukaan.", "Klientavgift enligt lagen om klientavgifter.",
     "Client fee under the Client Fees Act."),
    ("10 € / kerta.", "10 € / gång.", "€10 per visit."),
    ("Kurssimaksu 30 €.", "Kursavgift 30 €.", "Course fee €30."),
    ("Jäsenille maksuton, muille 5 € / kerta.", "Gratis för medlemmar, andra 5 € / gång.",
     "Free for members, others €5 per visit."),
)
CLOSURES = (  # (first day, last day, note in fi, sv, en)
    ((7, 1), (7, 31), "Kesätauko.", "Sommarstängt.", "Closed for the summer."),
    ((12, 24), (12, 26), "Suljettu joulunpyhinä.", "Stängt under julhelgen.",
     "Closed at Christmas."),
    ((6, 18), (6, 19), "Suljettu juhannuksena.", "Stängt under midsommar.", "Closed at Midsummer."),
)
PHONE_CHARGES = (
    ("Maksuton.", "Avgiftsfritt.", "Free of charge."),
    ("Puhelun hinta liittymäsopimuksen mukaan.", "Samtalet kostar enligt ditt abonnemang.",
     "Charged at your normal call rate."),
)
# fmt: on

LINK_FIELDS = (
    "channels",
    "target_groups",
    "life_situations",
    "attributes",
    "languages",
    "area_counties",
    "area_municipalities",
    "service_classes",
)


class GenerationError(Exception):
    """The catalogue cannot be generated (no reference data, generated records exist, ...)."""


@dataclass
class GenerationReport:
    seed: int
    services: int
    deleted_services: int = 0
    deleted_organisations: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # rows written, by table
    seconds: float = 0.0


class Weighted(Generic[T]):
    """Items drawn with given weights: one random number and a bisection per draw."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        if not self.items or self.cumulative[-1] <= 0:
            raise ValueError("nothing to draw")
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, weights: dict[T, float]) -> Weighted[T]:
        return cls(list(weights), list(weights.values()))

    def pick(self, rng: random.Random) -> T:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


class Factory(Generic[M]):
    """Unsaved model instances for ``bulk_create``, assembled directly.

    ``Model(**values)`` costs some 100 µs per instance here: modeltranslation rewrites every
    keyword and computes every translated field's default under a language override, and that
    adds up over half a million objects. This puts the field values where the constructor's
    descriptors would and gives the instance a fresh state, as ``Model.__init__`` does, in a
    few µs. Init signals are not sent: these models have no receivers but modeltranslation's,
    which only tidies up after its own keyword handling.
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.defaults = {
            f.attname: None if callable(f.default) else f.get_default()
            for f in model._meta.concrete_fields
        }

    def __call__(self, **values: object) -> M:
        unknown = values.keys() - self.defaults.keys()
        if unknown:
            raise TypeError(f"{self.model.__name__} has no fields {', '.join(sorted(unknown))}")
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self.defaults)
        instance.__dict__.update(values)
        instance._state = ModelState()
        return instance


def finnish_genitive(name: str) -> str | None:
    """The genitive of a Finnish place name ("Mikkeli" → "Mikkelin"), or None when unsure."""
    if name in GENITIVES:
        return GENITIVES[name]
    for ending, genitive in GENITIVE_ENDINGS:
        if name.endswith(ending):
            return name[: -len(ending)] + genitive
    if len(name) < 3 or not name[-2:].isalpha():
        return None
    if name[-1] in VOWELS and name[-2] in VOWELS:
        return name + "n"
    # A final a/o/u/y after a consonant that takes no consonant gradation.
    if name[-1] in "aäoöuy" and name[-2] not in VOWELS + "kpt":
        return name + "n"
    return None


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class County:
    code: str
    names: tuple[str, str, str]  # fi, sv, en
    region_fi: str  # genitive: "Pohjois-Savon"
    region_sv: str  # with a preposition: "i Norra Savolax"
    region_en: str  # "North Savo"


@dataclass(frozen=True)
class Place:
    """A municipality as the generator sees it."""

    code: str
    name_fi: str
    name_sv: str
    county: County
    bilingual: bool
    swedish_majority: bool
    population: int
    latitude: float
    longitude: float
    genitive: str | None

    @property
    def swedish(self) -> bool:
        return self.bilingual or self.swedish_majority


@dataclass(frozen=True)
class Area:
    """A postal area: service points go near its centre."""

    code: str
    name_fi: str
    name_sv: str
    place: Place
    latitude: float
    longitude: float
    population: int


class Geography:
    """The reference geography, with draws weighted by population at each level."""

    def __init__(self) -> None:
        self.counties: dict[str, County] = {}
        for county in WellbeingServicesCounty.objects.order_by("code"):
            names = (county.name_fi, county.name_sv or county.name_fi, county.name_en or "")
            region = COUNTY_REGIONS.get(county.code) or (
                names[0].removesuffix(" hyvinvointialue"),
                # "Mellersta Finlands välfärdsområde": the region is "Mellersta Finland".
                f"i {names[1].removesuffix(' välfärdsområde').removesuffix('s')}",
                (names[2] or names[0]).removesuffix(" wellbeing services county"),
            )
            self.counties[county.code] = County(county.code, names, *region)
        self.places = {
            municipality.code: Place(
                code=municipality.code,
                name_fi=municipality.name_fi,
                name_sv=municipality.name_sv or municipality.name_fi,
                county=self.counties[municipality.county_id],
                bilingual=municipality.is_bilingual,
                swedish_majority=municipality.majority_language == "sv",
                population=municipality.population,
                latitude=municipality.latitude,
                longitude=municipality.longitude,
                genitive=finnish_genitive(municipality.name_fi),
            )
            for municipality in Municipality.objects.order_by("code")
        }
        self.areas = [
            Area(
                area.code,
                area.name_fi,
                area.name_sv or area.name_fi,
                self.places[area.municipality_id],
                area.latitude,
                area.longitude,
                area.population,
            )
            for area in PostalArea.objects.order_by("code")
        ]
        if not self.areas:
            raise GenerationError(
                "There are no postal areas: load the reference data first "
                "(python manage.py load_reference_data)."
            )
        by_county: dict[str, list[Area]] = defaultdict(list)
        by_place: dict[str, list[Area]] = defaultdict(list)
        for area in self.areas:
            by_county[area.place.county.code].append(area)
            by_place[area.place.code].append(area)
        self.everywhere = self.weighted(self.areas)
        self.in_county = {code: self.weighted(areas) for code, areas in by_county.items()}
        self.in_place = {code: self.weighted(areas) for code, areas in by_place.items()}
        self.neighbours = {place.code: self.nearest(place) for place in self.places.values()}
        self.swedish_counties = {p.county.code for p in self.places.values() if p.swedish}

    @staticmethod
    def weighted(areas: list[Area]) -> Weighted[Area]:
        # Areas without residents (business districts) still get the odd service point.
        return Weighted(areas, [area.population + 1 for area in areas])

    def nearest(self, place: Place, count: int = 6) -> list[Place]:
        """The nearest other municipalities with postal areas, those in the same county first."""
        scale = math.cos(math.radians(place.latitude))
        others = [p for p in self.places.values() if p is not place and p.code in self.in_place]
        others.sort(
            key=lambda p: (
                p.county is not place.county,
                (p.latitude - place.latitude) ** 2 + ((p.longitude - place.longitude) * scale) ** 2,
            )
        )
        return others[:count]


@dataclass
class OrganisationSlot:
    """The organisation taking new services in one scope, and how many more it takes."""

    organisation: Organisation
    remaining: int
    domain: str  # a made-up domain under .example for its web addresses


class CatalogueBuilder:
    """Builds the generated catalogue in memory; ``write()`` then saves it.

    Objects that point at others not yet saved are kept in pairs with them; ``write()`` saves
    the targets first and fills in their ids.
    """

    def __init__(self, *, seed: int, geography: Geography) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.geo = geography
        self.tiers = Weighted.of(TIER_WEIGHTS)
        self.kinds = {
            tier: Weighted(kinds, [kind.weight for kind in kinds])
            for tier in TIER_WEIGHTS
            for kinds in [[kind for kind in SERVICE_KINDS if kind.tier == tier]]
        }
        self.areas_served = {tier: Weighted.of(weights) for tier, weights in AREA_WEIGHTS.items()}
        self.location_counts = {t: Weighted.of(w) for t, w in LOCATION_COUNT_WEIGHTS.items()}
        self.target_group_counts = Weighted.of(TARGET_GROUP_COUNT_WEIGHTS)
        self.life_situation_counts = Weighted.of(LIFE_SITUATION_COUNT_WEIGHTS)
        self.statuses = Weighted.of(STATUS_WEIGHTS)
        self.check_reference_data()
        self.labels = {
            model: {
                term.pk: (term.name_fi, term.name_sv or term.name_fi, term.name_en or term.name_fi)
                for term in model.objects.order_by("pk")
            }
            for model in (Channel, TargetGroup, LifeSituation)
        }
        self.all_target_groups = list(self.labels[TargetGroup])
        self.all_life_situations = list(self.labels[LifeSituation])
        self.new = {
            model: Factory(model)
            for model in (
                Organisation,
                SupportService,
                Location,
                ContactPoint,
                OpeningHours,
                OpeningHoursException,
                GroupSession,
            )
        }

        self.organisations: list[Organisation] = []
        self.units: list[tuple[Organisation, Organisation]] = []  # (unit, parent organisation)
        self.services: list[tuple[SupportService, Organisation]] = []
        self.locations: list[tuple[Location, SupportService]] = []
        self.contact_points: list[tuple[ContactPoint, SupportService]] = []
        self.location_hours: list[tuple[OpeningHours, Location]] = []
        self.contact_hours: list[tuple[OpeningHours, ContactPoint]] = []
        self.exceptions: list[tuple[OpeningHoursException, Location]] = []
        self.sessions: list[tuple[GroupSession, SupportService, Location | None]] = []
        self.links: dict[str, list[tuple[SupportService, str]]] = {f: [] for f in LINK_FIELDS}

        self.slots: dict[tuple[str, str], OrganisationSlot] = {}
        self.scope_counts: Counter[tuple[str, str]] = Counter()
        self.county_organisations: dict[str, OrganisationSlot] = {}
        self.national_organisations: dict[str, OrganisationSlot] = {}
        self.business_ids: set[str] = set()
        self.name_counts: Counter[str] = Counter()
        self.service_hours: Hours = []  # of the service being built

    def check_reference_data(self) -> None:
        needed: dict[type[models.Model], set[str]] = {
            Tier: set(TIER_WEIGHTS),
            Channel: {c for kind in SERVICE_KINDS for c in kind.channels + kind.extra_channels},
            TargetGroup: {code for kind in SERVICE_KINDS for code in kind.target_groups},
            LifeSituation: {code for kind in SERVICE_KINDS for code in kind.life_situations},
            Attribute: {"FREE", "NO_REFERRAL", "ANONYMOUS", "OPEN_24_7", "EVENINGS_WEEKENDS"},
            Language: {"fi", "sv", "en", "se", "smn", "sms", *MIGRANT_LANGUAGES, *OTHER_LANGUAGES},
            ServiceClass: {kind.service_class for kind in SERVICE_KINDS} | {"P3"},
        }
        for model, codes in needed.items():
            missing = codes - set(model.objects.values_list("pk", flat=True))
            if missing:
                raise GenerationError(
                    f"The {model._meta.verbose_name_plural} {', '.join(sorted(missing))} are "
                    "missing: load the reference data first "
                    "(python manage.py load_reference_data)."
                )

    # Small draws.

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def new_uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def unique_names(self, names: tuple[str, str | None, str | None]) -> tuple[str, ...]:
        """Number the second and later uses of a Finnish name: "Kotkan perhekahvila 2"."""
        self.name_counts[names[0]] += 1
        count = self.name_counts[names[0]]
        suffix = f" {count}" if count > 1 else ""
        return tuple(f"{name}{suffix}" if name else None for name in names)

    def phone_number(self, county: County | None) -> str:
        rng = self.rng
        if county is None:
            return f"0800 {rng.randint(10_000, 99_999)}"
        prefix = rng.choice(("040", "044", "050")) if self.chance(0.2) else AREA_CODES[county.code]
        return f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"

    def business_id(self) -> str:
        while True:
            first_seven = f"{self.rng.randrange(100_000, 3_500_000):07d}"
            check = business_id_check_digit(first_seven)
            value = f"{first_seven}-{check}"
            if check is not None and value not in self.business_ids:
                self.business_ids.add(value)
                return value

    def point_near(self, area: Area) -> tuple[float, float]:
        """A point a short way from the postal area's centre, inside Finland's bounds."""
        spread = 800 if area.population > 5_000 else 2_000  # metres
        distance = spread * math.sqrt(self.rng.random())
        bearing = self.rng.random() * 2 * math.pi
        latitude = area.latitude + distance * math.cos(bearing) / METRES_PER_DEGREE
        longitude = area.longitude + distance * math.sin(bearing) / (
            METRES_PER_DEGREE * math.cos(math.radians(area.latitude))
        )
        return (
            round(min(max(latitude, FINLAND_LAT[0]), FINLAND_LAT[1]), 6),
            round(min(max(longitude, FINLAND_LON[0]), FINLAND_LON[1]), 6),
        )

    # Organisations: public per county and municipality, NGOs, parishes, companies.

    def add_organisation(
        self,
        kind: str,
        names: tuple[str, str | None, str | None],
        *,
        county: County | None,
        business_id: bool,
        parent: Organisation | None = None,
    ) -> OrganisationSlot:
        names = self.unique_names(names)
        number = len(self.organisations) + len(self.units)
        domain = (
            f"{slugify(names[0].removesuffix(' ry').removesuffix(' Oy'))[:40].strip('-')}.example"
        )
        organisation = self.new[Organisation](
            uuid=self.new_uuid(),
            name_fi=names[0],
            name_sv=names[1],
            name_en=names[2],
            kind=kind,
            business_id=self.business_id() if business_id else "",
            website=f"https://www.{domain}/",
            email=f"info@{domain}" if self.chance(0.5) else "",
            phone=self.phone_number(county) if self.chance(0.7) else "",
            source=Source.GENERATED,
            external_id=f"GEN-{self.seed}-O{number:05d}",
        )
        if parent:
            self.units.append((organisation, parent))
        else:
            self.organisations.append(organisation)
        return OrganisationSlot(organisation, self.rng.randint(*ORGANISATION_CAPACITY), domain)

    def county_organisation(self, county: County) -> OrganisationSlot:
        if county.code not in self.county_organisations:
            self.county_organisations[county.code] = self.add_organisation(
                PUBLIC, county.names, county=county, business_id=True
            )
        return self.county_organisations[county.code]

    def national_organisation(self, kind: str) -> OrganisationSlot:
        choices = {NGO: NATIONAL_NGOS, OTHER: NATIONAL_OTHERS, PARISH: NATIONAL_PARISHES}[kind]
        names = self.rng.choice(choices)
        if names[0] not in self.national_organisations:
            self.national_organisations[names[0]] = self.add_organisation(
                kind, names, county=None, business_id=True
            )
        return self.national_organisations[names[0]]

    def organisation_for(self, kind: str, area_served: str, place: Place) -> OrganisationSlot:
        """The provider of a new service: the open organisation of its scope, or a new one."""
        county = place.county
        if area_served == NATIONWIDE:
            return self.national_organisation(kind)
        if kind == PUBLIC and area_served == COUNTY:
            scope = (kind, county.code)
            self.slots.setdefault(scope, self.county_organisation(county))
        elif kind == OTHER or (kind == NGO and area_served == COUNTY):
            scope = (kind, county.code)
        else:
            scope = (kind, place.code)
        slot = self.slots.get(scope)
        if slot is None or slot.remaining <= 0:
            slot = self.slots[scope] = self.new_organisation(kind, scope, place)
        slot.remaining -= 1
        return slot

    def new_organisation(self, kind: str, scope: tuple[str, str], place: Place) -> OrganisationSlot:
        number = self.scope_counts[scope]
        self.scope_counts[scope] += 1
        county = place.county
        whole_county = scope[1] == county.code
        if kind == PUBLIC:
            fi, sv, en = PUBLIC_UNITS[number % len(PUBLIC_UNITS)]
            if whole_county:
                names = (
                    f"{county.region_fi} {fi}",
                    f"{capitalised(sv)} {county.region_sv}",
                    f"{county.region_en} {en}",
                )
            else:
                names = (
                    self.local_name(place, fi),
                    f"{capitalised(sv)} i {place.name_sv}",
                    f"{place.name_fi} {en}",
                )
            parent = self.county_organisation(county).organisation
            return self.add_organisation(
                kind, names, county=county, business_id=False, parent=parent
            )
        if kind == NGO:
            fi, sv, en = NGO_UNITS[number % len(NGO_UNITS)]
            if whole_county:
                names = (
                    f"{county.region_fi} {fi}",
                    f"{capitalised(sv)} {county.region_sv} rf",
                    f"{county.region_en} {en}",
                )
            elif place.swedish_majority:  # registered under its Swedish name
                swedish = f"{capitalised(sv)} i {place.name_sv} rf"
                names = (swedish, swedish, f"{place.name_fi} {en}")
            else:
                names = (
                    self.local_name(place, fi),
                    f"{capitalised(sv)} i {place.name_sv} rf",
                    f"{place.name_fi} {en}",
                )
            return self.add_organisation(kind, names, county=county, business_id=self.chance(0.7))
        if kind == PARISH:
            fi, sv, en = PARISH_UNITS[number % len(PARISH_UNITS)]
            swedish = f"{place.name_sv} {sv}"
            if place.swedish_majority:
                finnish = swedish
            elif place.genitive:
                finnish = f"{place.genitive} {fi}"
            else:
                finnish = f"{capitalised(fi)}, {place.name_fi}"
            return self.add_organisation(
                kind, (finnish, swedish, f"{place.name_fi} {en}"), county=county, business_id=True
            )
        pattern = COMPANY_PATTERNS[number % len(COMPANY_PATTERNS)]
        names = (pattern.format(self.rng.choice(SURNAMES)), None, None)
        return self.add_organisation(kind, names, county=county, business_id=True)

    @staticmethod
    def local_name(place: Place, unit: str) -> str:
        if place.genitive:
            return f"{place.genitive} {unit}"
        return f"{capitalised(unit)}, {place.name_fi}"

    # Services.

    def add_service(self, index: int) -> None:
        rng = self.rng
        tier = self.tiers.pick(rng)
        kind = self.kinds[tier].pick(rng)
        home = self.geo.everywhere.pick(rng)
        place = home.place
        provider, area_served = self.choose_provider(kind, self.areas_served[tier].pick(rng))
        served: list[Place] = []
        if area_served == MUNICIPALITIES:
            candidates = [
                p
                for p in self.geo.neighbours[place.code]
                if provider != PUBLIC or p.county is place.county
            ]
            served = [place, *rng.sample(candidates, min(len(candidates), rng.randint(1, 4)))]
            if len(served) == 1:
                area_served = MUNICIPALITY
        if area_served == MUNICIPALITY:
            served = [place]
        slot = self.organisation_for(provider, area_served, place)

        extra = 0.5 if tier == SPECIALIST else 0.35
        channels = [*kind.channels, *(c for c in kind.extra_channels if self.chance(extra))]
        languages = self.choose_languages(kind, place, area_served)
        count = self.target_group_counts.pick(rng)
        parents = ["PARENTS"] if count and self.chance(0.5) else []  # the commonest group
        target_groups = self.choose_terms(
            count, kind.target_groups, self.all_target_groups, other=0.1, chosen=parents
        )
        count = self.life_situation_counts.pick(rng)
        life_situations = self.choose_terms(
            count, kind.life_situations, self.all_life_situations, other=0.15
        )
        names = self.service_names(kind, area_served, place, slot.organisation, languages)
        status = self.statuses.pick(rng)
        verified_at = None
        if status == SupportService.Status.PUBLISHED or self.chance(0.3):
            verified_at = EPOCH - dt.timedelta(
                days=rng.randint(60, 600), seconds=rng.randint(0, 86_399)
            )
        service = self.new[SupportService](
            uuid=self.new_uuid(),
            name_fi=names[0],
            name_sv=names[1],
            name_en=names[2],
            website=f"https://www.{slot.domain}/palvelut/{index}" if self.chance(0.5) else "",
            tier_id=tier,
            min_age=kind.ages[0],
            max_age=kind.ages[1],
            prenatal=kind.prenatal,
            is_nationwide=area_served == NATIONWIDE,
            status=status,
            verified_at=verified_at,
            source=Source.GENERATED,
            external_id=f"GEN-{self.seed}-{index:06d}",
        )
        self.services.append((service, slot.organisation))

        self.service_hours = []
        locations = self.add_locations(service, kind, area_served, home, served, channels)
        self.add_contact_points(service, kind, slot, channels, place.county, index)
        attributes = self.choose_attributes(tier, provider, channels)
        self.describe(
            service,
            kind,
            area_served,
            languages,
            target_groups,
            life_situations,
            channels,
            free="FREE" in attributes,
        )
        # Courses and series have dated sessions; an ongoing weekly group has its weekly hours.
        if (tier == GROUP and "GROUP" in channels and self.chance(0.6)) or any(
            c in channels for c in ("ONLINE_GROUP", "ONLINE_LECTURE")
        ):
            self.add_sessions(service, kind, slot, locations, languages, index)

        links = self.links
        links["channels"] += [(service, code) for code in channels]
        links["target_groups"] += [(service, code) for code in target_groups]
        links["life_situations"] += [(service, code) for code in life_situations]
        links["attributes"] += [(service, code) for code in attributes]
        links["languages"] += [(service, code) for code in languages]
        if area_served == COUNTY:
            links["area_counties"].append((service, place.county.code))
        links["area_municipalities"] += [(service, p.code) for p in served]
        links["service_classes"].append((service, kind.service_class))
        if kind.service_class != "P3" and self.chance(0.3):
            links["service_classes"].append((service, "P3"))

    def choose_provider(self, kind: ServiceKind, area_served: str) -> tuple[str, str]:
        weights = {
            provider: weight
            for provider, weight in PROVIDER_WEIGHTS[kind.tier].items()
            if not kind.providers or provider in kind.providers
        }
        if area_served == NATIONWIDE:
            # Public providers are regional: a public-only kind serves its county instead.
            national = {p: w for p, w in weights.items() if p != PUBLIC}
            if national:
                weights = national
            else:
                area_served = COUNTY
        return Weighted.of(weights).pick(self.rng), area_served

    def choose_languages(self, kind: ServiceKind, place: Place, area_served: str) -> list[str]:
        rng = self.rng
        if area_served == NATIONWIDE:
            swedish, english = 0.4, 0.35
        elif area_served == COUNTY:
            swedish = 0.5 if place.county.code in self.geo.swedish_counties else 0.05
            english = 0.15
        else:
            swedish = 1.0 if place.swedish_majority else 0.7 if place.bilingual else 0.02
            english = 0.25 if place.population > 100_000 else 0.08
        languages = ["fi"]
        if self.chance(swedish):
            languages.append("sv")
        if self.chance(english):
            languages.append("en")
        if place.code in SAMI_MUNICIPALITIES and area_served != NATIONWIDE and self.chance(0.4):
            languages.append("se")
            if place.code == "148":  # Inari: Inari and Skolt Sami too
                languages += [code for code in ("smn", "sms") if self.chance(0.5)]
        migrants = "IMMIGRANT" in kind.target_groups or "MULTICULTURAL" in kind.target_groups
        if self.chance(0.3 if migrants else 0.04):
            languages += rng.sample(MIGRANT_LANGUAGES, rng.randint(1, 3))
        if self.chance(0.01):
            languages.append(rng.choice(OTHER_LANGUAGES))
        return list(dict.fromkeys(languages))

    def choose_terms(
        self,
        count: int,
        likely: Sequence[str],
        every: list[str],
        *,
        other: float,
        chosen: list[str] | None = None,
    ) -> list[str]:
        """``count`` target groups or life situations: mostly the kind's own, at times any."""
        chosen = list(chosen or [])
        pool = list(likely)
        while len(chosen) < count:
            if pool and not self.chance(other):
                chosen.append(pool.pop(self.rng.randrange(len(pool))))
            else:
                chosen.append(self.rng.choice(every))
            chosen = list(dict.fromkeys(chosen))
        return chosen

    def choose_attributes(self, tier: str, provider: str, channels: list[str]) -> list[str]:
        free = {PUBLIC: 0.85, NGO: 0.85, PARISH: 0.95, OTHER: 0.2}[provider]
        no_referral = {DIGITAL: 0.95, INDIVIDUAL: 0.8, GROUP: 0.95, SPECIALIST: 0.2}[tier]
        talk = any(c in channels for c in ("CHAT", "FORUM", "LETTER", "PHONE"))
        anonymous = 0.6 if tier == DIGITAL and talk else 0.03
        attributes = [
            code
            for code, probability in (
                ("FREE", free),
                ("NO_REFERRAL", no_referral),
                ("ANONYMOUS", anonymous),
            )
            if self.chance(probability)
        ]
        hours = self.service_hours
        if any(opens == MIDNIGHT and closes == MIDNIGHT for _, opens, closes in hours):
            attributes.append("OPEN_24_7")
        if any(day >= 5 or closes > EVENING or closes == MIDNIGHT for day, _, closes in hours):
            attributes.append("EVENINGS_WEEKENDS")
        return attributes

    def service_names(
        self,
        kind: ServiceKind,
        area_served: str,
        place: Place,
        organisation: Organisation,
        languages: list[str],
    ) -> tuple[str, ...]:
        county = place.county
        fi, sv, en = capitalised(kind.fi), capitalised(kind.sv), capitalised(kind.en)
        if area_served == NATIONWIDE:
            provider = (organisation.name_fi, organisation.name_sv, organisation.name_en)
            names = (f"{fi}, {provider[0]}", f"{sv}, {provider[1]}", f"{en}, {provider[2]}")
        elif area_served == COUNTY:
            names = (
                f"{county.region_fi} {kind.fi}",
                f"{sv} {county.region_sv}",
                f"{en}, {county.region_en}",
            )
        elif area_served == MUNICIPALITIES:
            names = (
                f"{place.genitive} seudun {kind.fi}"
                if place.genitive
                else f"{fi}, {place.name_fi} ja lähikunnat",
                f"{sv} i {place.name_sv} med omnejd",
                f"{en}, {place.name_fi} area",
            )
        else:
            names = (
                f"{place.genitive} {kind.fi}"
                if place.genitive and self.chance(0.7)
                else f"{fi}, {place.name_fi}",
                f"{sv} i {place.name_sv}",
                f"{en}, {place.name_fi}",
            )
        return self.unique_names(
            (
                names[0],
                names[1] if "sv" in languages else None,
                names[2] if "en" in languages else None,
            )
        )

    def describe(
        self,
        service: SupportService,
        kind: ServiceKind,
        area_served: str,
        languages: list[str],
        target_groups: list[str],
        life_situations: list[str],
        channels: list[str],
        *,
        free: bool,
    ) -> None:
        """Summary, description, how to get it, eligibility and cost in the service's languages."""
        how = self.rng.choice(HOW_TO_GET[kind.tier])
        fee = None if free else self.rng.choice(FEES)
        for number, language in enumerate(("fi", "sv", "en")):
            if language != "fi" and language not in languages:
                continue
            topics = ", ".join(self.labels[LifeSituation][code][number] for code in life_situations)
            groups = ", ".join(self.labels[TargetGroup][code][number] for code in target_groups)
            ways = ", ".join(self.labels[Channel][code][number] for code in channels)
            summary = f"{capitalised((kind.fi, kind.sv, kind.en)[number])}: {topics}."
            if len(summary) > 150:
                summary = summary[:149].rsplit(" ", 1)[0] + "…"
            description = DESCRIPTIONS[number].format(
                groups=groups or ALL_PARENTS[number], topics=topics, ways=ways
            )
            setattr(service, f"summary_{language}", summary)
            setattr(service, f"description_{language}", description)
            setattr(service, f"how_to_get_{language}", how[number])
            setattr(service, f"eligibility_{language}", ELIGIBILITY[area_served][number])
            if fee:
                setattr(service, f"cost_description_{language}", fee[number])

    # Service points, contact points, opening hours and sessions.

    def new_hours(self, rows: Hours) -> list[OpeningHours]:
        self.service_hours += rows
        return [
            self.new[OpeningHours](weekday=day, opens=opens, closes=closes)
            for day, opens, closes in rows
        ]

    def add_locations(
        self,
        service: SupportService,
        kind: ServiceKind,
        area_served: str,
        home: Area,
        served: list[Place],
        channels: list[str],
    ) -> list[Location]:
        rng = self.rng
        if not any(c in IN_PERSON_CHANNELS for c in channels):
            return []
        areas = [home]
        for _ in range(self.location_counts[kind.tier].pick(rng) - 1):
            if area_served == MUNICIPALITIES:
                areas.append(self.geo.in_place[rng.choice(served).code].pick(rng))
            elif area_served == MUNICIPALITY:
                areas.append(self.geo.in_place[home.place.code].pick(rng))
            elif area_served == COUNTY:
                areas.append(self.geo.in_county[home.place.county.code].pick(rng))
            else:
                areas.append(self.geo.everywhere.pick(rng))
        locations = []
        for number, area in enumerate(areas, start=1):
            street_fi, street_sv = rng.choice(STREETS)
            house = rng.randint(1, 60)
            swedish = area.place.swedish
            latitude, longitude = self.point_near(area)
            step_free = rng.choice((True, True, True, False, None))
            notes = step_free and self.chance(0.3)
            location = self.new[Location](
                uuid=self.new_uuid(),
                name_fi=f"{capitalised(kind.fi)}, {area.name_fi}",
                name_sv=f"{capitalised(kind.sv)}, {area.name_sv}" if swedish else None,
                street_address_fi=(
                    f"{street_sv if area.place.swedish_majority else street_fi} {house}"
                ),
                street_address_sv=f"{street_sv} {house}" if swedish else None,
                postal_code=area.code,
                municipality_id=area.place.code,
                latitude=latitude,
                longitude=longitude,
                step_free=step_free,
                stroller_access=rng.choice((True, True, False, None)),
                hearing_loop=rng.choice((True, False, None, None)),
                # Families a week, for the accessibility measure (E2SFCA) of the mapping.
                capacity=rng.randint(*LOCATION_CAPACITY[kind.tier]),
                accessibility_notes_fi="Esteetön sisäänkäynti pihan puolelta." if notes else "",
                accessibility_notes_sv="Tillgänglig ingång från gården." if notes else None,
                source=Source.GENERATED,
                external_id=f"{service.external_id}-L{number}",
            )
            locations.append(location)
            self.locations.append((location, service))
            self.location_hours += [(h, location) for h in self.new_hours(self.opening_rows(kind))]
            if self.chance(0.2):
                start, end, *notes = rng.choice(CLOSURES)
                exception = self.new[OpeningHoursException](
                    start_date=dt.date(EPOCH.year, *start),
                    end_date=dt.date(EPOCH.year, *end),
                    note_fi=notes[0],
                    note_sv=notes[1] if swedish else None,
                    note_en=notes[2],
                )
                self.exceptions.append((exception, location))
        return locations

    def opening_rows(self, kind: ServiceKind) -> Hours:
        """Weekly hours of a service point: office hours, a meeting place's mornings, a group."""
        rng = self.rng
        t = dt.time
        if "MEETING_PLACE" in kind.channels:
            days = sorted(rng.sample(range(5), rng.randint(1, 3)))
            opens, closes = rng.choice(((t(9, 30), t(12)), (t(10), t(13)), (t(9), t(14))))
            rows = [(day, opens, closes) for day in days]
            if self.chance(0.15):
                rows.append((5, t(10), t(13)))
            if self.chance(0.15):
                rows.append((rng.choice([d for d in range(5) if d not in days]), t(17), t(19)))
            return rows
        if kind.tier == GROUP:
            day = rng.randrange(5)
            return [(day, t(17, 30), t(19, 30)) if self.chance(0.3) else (day, t(9, 30), t(11, 30))]
        opens = rng.choice((t(8), t(8), t(8, 30), t(9)))
        closes = rng.choice((t(15), t(15, 30), t(16)))
        short_friday = self.chance(0.3)
        rows = [(day, opens, t(14) if day == 4 and short_friday else closes) for day in range(5)]
        if self.chance(0.12):
            evening = rng.randrange(4)
            rows[evening] = (evening, opens, t(19))
        return rows

    def add_contact_points(
        self,
        service: SupportService,
        kind: ServiceKind,
        slot: OrganisationSlot,
        channels: list[str],
        county: County,
        index: int,
    ) -> None:
        rng = self.rng
        t = dt.time
        digital = kind.tier == DIGITAL
        site = f"https://www.{slot.domain}"
        first = len(self.contact_points)

        def add(
            contact_kind: str,
            value: str,
            label: str,
            hours: Hours | None = None,
            charge: tuple[str, str, str] | None = None,
        ) -> None:
            contact = self.new[ContactPoint](
                kind=contact_kind,
                value=value,
                label_fi=label,
                charge_fi=charge[0] if charge else "",
                charge_sv=charge[1] if charge else None,
                charge_en=charge[2] if charge else None,
                order=len(self.contact_points) - first,
            )
            self.contact_points.append((contact, service))
            self.contact_hours += [(h, contact) for h in self.new_hours(hours or [])]

        always = self.chance(0.08) if digital else False
        if "PHONE" in channels or self.chance(0.75):
            number = self.phone_number(None if digital and service.is_nationwide else county)
            charge = PHONE_CHARGES[0] if number.startswith("0800") else PHONE_CHARGES[1]
            if always and "PHONE" in channels:
                hours = [(day, MIDNIGHT, MIDNIGHT) for day in range(7)]
            elif digital:
                hours = [(day, t(10), t(20)) for day in range(5)]
            elif self.chance(0.5):
                opens, closes = rng.choice(((t(8), t(10)), (t(9), t(11)), (t(12), t(14))))
                hours = [(day, opens, closes) for day in range(5)]
            else:
                hours = []
            label = "Puhelinpalvelu" if digital else rng.choice(("Ajanvaraus", "Neuvonta"))
            add(ContactPoint.Kind.PHONE, number, label, hours, charge)
        if "CHAT" in channels:
            if always:
                hours = [(day, MIDNIGHT, MIDNIGHT) for day in range(7)]
            else:
                days = rng.choice((range(4), range(5), (0, 2, 6)))
                opens, closes = rng.choice(((t(18), t(21)), (t(12), t(20)), (t(9), t(15))))
                hours = [(day, opens, closes) for day in days]
            add(ContactPoint.Kind.CHAT, f"{site}/chat/{index}", "Chat", hours)
        if "VIDEO" in channels:
            add(ContactPoint.Kind.VIDEO, f"https://video.{slot.domain}/{index}", "Videoyhteys")
        online = ("ONLINE_COURSE", "SELF_HELP", "FORUM", "ONLINE_GROUP", "ONLINE_LECTURE", "LETTER")
        if any(c in channels for c in online) or self.chance(0.4):
            add(ContactPoint.Kind.WEB, f"{site}/palvelut/{index}", "Verkkosivu")
        if self.chance(0.25) or len(self.contact_points) == first:
            add(ContactPoint.Kind.EMAIL, f"perhepalvelut@{slot.domain}", "Sähköposti")

    def add_sessions(
        self,
        service: SupportService,
        kind: ServiceKind,
        slot: OrganisationSlot,
        locations: list[Location],
        languages: list[str],
        index: int,
    ) -> None:
        """A weekly series of group meetings, at the first service point or online."""
        rng = self.rng
        count = rng.randint(3, 6)
        first_day = EPOCH.date() + dt.timedelta(days=rng.randint(-21, 150))
        starts = dt.time(rng.choice((9, 10, 13, 17, 18)), rng.choice((0, 30)))
        length = dt.timedelta(minutes=rng.choice((60, 90, 120)))
        seats = rng.choice((None, 8, 10, 12, 15, 20))
        location = locations[0] if locations else None
        spoken = [code for code in languages if code in ("fi", "sv")]
        for number in range(1, count + 1):
            starts_at = dt.datetime.combine(first_day + dt.timedelta(weeks=number - 1), starts)
            starts_at = starts_at.replace(tzinfo=HELSINKI)
            titled = self.chance(0.6)
            session = self.new[GroupSession](
                uuid=self.new_uuid(),
                title_fi=f"{capitalised(kind.fi)}, kerta {number}/{count}" if titled else "",
                title_sv=(
                    f"{capitalised(kind.sv)}, träff {number}/{count}"
                    if titled and service.name_sv
                    else None
                ),
                starts_at=starts_at,
                ends_at=starts_at + length,
                online_url="" if location else f"https://meet.{slot.domain}/{index}",
                language_id=rng.choice(spoken),
                seats=seats,
                registration_url=f"https://www.{slot.domain}/ilmoittaudu/{index}" if seats else "",
                is_cancelled=self.chance(0.02),
            )
            self.sessions.append((session, service, location))

    def build(self, services: int, progress: Callable[[str], None]) -> None:
        for index in range(1, services + 1):
            self.add_service(index)
            if index % 5_000 == 0 and index < services:
                progress(f"Built {index:,} of {services:,} services")
        progress(
            f"Built {len(self.services):,} services, "
            f"{len(self.organisations) + len(self.units):,} organisations, "
            f"{len(self.locations):,} locations, {len(self.contact_points):,} contact points, "
            f"{len(self.location_hours) + len(self.contact_hours):,} opening hours, "
            f"{len(self.sessions):,} group sessions"
        )

    # Writing.

    def write(self, work: Change, progress: Callable[[str], None]) -> dict[str, int]:
        """Save everything, targets before the objects pointing at them; rows written by table."""
        counts: dict[str, int] = {}
        # A business ID already held by an organisation from another source stays with it.
        taken = set(
            Organisation.objects.exclude(source=Source.GENERATED)
            .exclude(business_id="")
            .values_list("business_id", flat=True)
        )
        units = [unit for unit, _ in self.units]
        for organisation in self.organisations + units:
            if organisation.business_id in taken:
                organisation.business_id = ""
        insert(work, Organisation, self.organisations)
        insert(work, Organisation, attach(self.units, "parent_id"))
        counts["organisations"] = len(self.organisations) + len(units)
        counts["services"] = insert(work, SupportService, attach(self.services, "organisation_id"))
        progress(
            f"Wrote {counts['organisations']:,} organisations, {counts['services']:,} services"
        )

        for name in LINK_FIELDS:
            rows = [(service.pk, code) for service, code in self.links[name]]
            work.insert_links(name, rows)
            counts[f"services × {name.replace('_', ' ')}"] = len(rows)
        links = sum(len(rows) for rows in self.links.values())
        progress(f"Wrote {links:,} links from services to taxonomies and areas")

        counts["locations"] = insert(work, Location, attach(self.locations, "service_id"))
        counts["contact points"] = insert(
            work, ContactPoint, attach(self.contact_points, "service_id")
        )
        hours = attach(self.location_hours, "location_id")
        hours += attach(self.contact_hours, "contact_point_id")
        counts["opening hours"] = insert(work, OpeningHours, hours, ids=False)
        exceptions = attach(self.exceptions, "location_id")
        counts["opening hours exceptions"] = insert(
            work, OpeningHoursException, exceptions, ids=False
        )
        for session, service, location in self.sessions:
            session.service_id = service.pk
            session.location_id = location.pk if location else None
        sessions = [session for session, _, _ in self.sessions]
        counts["group sessions"] = insert(work, GroupSession, sessions, ids=False)
        progress(
            f"Wrote {counts['locations']:,} locations, "
            f"{counts['contact points']:,} contact points, "
            f"{counts['opening hours']:,} opening hours, "
            f"{counts['group sessions']:,} group sessions"
        )
        return counts


def attach(pairs: list[tuple[M, models.Model]], attname: str) -> list[M]:
    """The objects of (object, target) pairs, now pointing at their saved targets."""
    for obj, target in pairs:
        setattr(obj, attname, target.pk)
    return [obj for obj, _ in pairs]


def insert(work: Change, model: type[models.Model], objects: list, *, ids: bool = True) -> int:
    """``bulk_create`` in batches; objects others point at must come back with their ids."""
    work.bulk_create(model, objects, batch_size=BATCH_SIZE)
    if ids and objects and objects[-1].pk is None:
        raise GenerationError(
            f"The database did not return the ids of new {model._meta.verbose_name_plural}; "
            "generating needs PostgreSQL or SQLite 3.35 or newer."
        )
    return len(objects)


def generated_counts() -> tuple[int, int]:
    """How many generated services and organisations the database holds."""
    return (
        SupportService.objects.filter(source=Source.GENERATED).count(),
        Organisation.objects.filter(source=Source.GENERATED).count(),
    )


def delete_generated_catalogue(work: Change) -> tuple[int, int]:
    """Delete the generated services and organisations with everything that hangs on them.

    Records from other sources are never touched: when one depends on a generated organisation
    (a service it provides, a unit under it), nothing is deleted. Each table is emptied of its
    generated rows with one DELETE; Django's collector would load some 80,000 objects first.
    Should a table this function does not know point at generated rows, the database's
    foreign keys refuse the deletion when the transaction commits.
    """
    generated = Source.GENERATED
    dependants = (
        SupportService.objects.filter(organisation__source=generated)
        .exclude(source=generated)
        .count()
        + Organisation.objects.filter(parent__source=generated).exclude(source=generated).count()
    )
    if dependants:
        raise GenerationError(
            f"{dependants} services or organisations from other sources belong to generated "
            "organisations; move them to other organisations first. Nothing was deleted."
        )
    counts = generated_counts()
    # Rows nothing points at: Django deletes these with one statement each.
    on_generated = Q(location__service__source=generated) | Q(
        contact_point__service__source=generated
    )
    work.edit(SupportService.objects.filter(source=generated).values_list("pk", flat=True))
    work.delete_rows(OpeningHours.objects.filter(on_generated), services=())
    work.delete_rows(OpeningHoursException.objects.filter(on_generated), services=())
    work.delete_rows(GroupSession.objects.filter(service__source=generated), services=())
    for name in LINK_FIELDS:
        through = SupportService._meta.get_field(name).remote_field.through
        work.delete_links(name, through.objects.filter(supportservice__source=generated))

    quote = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    def column(model: type[models.Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    services = (
        f"SELECT {column(SupportService, 'id')} FROM {table(SupportService)} "
        f"WHERE {column(SupportService, 'source')} = %s"
    )
    for model in (Location, ContactPoint):
        work.raw_delete(
            model,
            f"DELETE FROM {table(model)} WHERE {column(model, 'service')} IN ({services})",
            [generated],
        )
    work.raw_delete(
        SupportService,
        f"DELETE FROM {table(SupportService)} WHERE {column(SupportService, 'source')} = %s",
        [generated],
    )
    source, parent = column(Organisation, "source"), column(Organisation, "parent")
    work.raw_delete(
        Organisation,
        f"DELETE FROM {table(Organisation)} WHERE {source} = %s AND {parent} IS NOT NULL",
        [generated],
    )
    work.raw_delete(
        Organisation, f"DELETE FROM {table(Organisation)} WHERE {source} = %s", [generated]
    )
    return counts


def generate_catalogue(
    *,
    services: int,
    seed: int,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> GenerationReport:
    """Generate ``services`` support services from ``seed`` into the database.

    Refuses when generated records exist, unless ``replace`` is given: then they are deleted
    first, in the same transaction as the new ones are written. ``progress`` hears of each phase.
    """
    if services < 1:
        raise GenerationError("Enter a positive number of services.")
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    existing_services, existing_organisations = generated_counts()
    if (existing_services or existing_organisations) and not replace:
        raise GenerationError(
            f"The database already holds {existing_services:,} generated services and "
            f"{existing_organisations:,} generated organisations. Run again with --replace to "
            "delete them first (records from other sources stay)."
        )
    report = GenerationReport(seed=seed, services=services)
    # modeltranslation fills the untranslated columns from the active language: Finnish.
    with translation.override("fi"):
        geography = Geography()
        progress(
            f"Read {len(geography.places)} municipalities, {len(geography.areas):,} postal areas"
        )
        builder = CatalogueBuilder(seed=seed, geography=geography)
        builder.build(services, progress)
        try:
            # Generated test data keeps no history; the change still tells search and coverage.
            with change(user=None, comment=GENERATED, history=False) as work:
                if replace:
                    report.deleted_services, report.deleted_organisations = (
                        delete_generated_catalogue(work)
                    )
                    progress(
                        f"Deleted {report.deleted_services:,} generated services and "
                        f"{report.deleted_organisations:,} organisations"
                    )
                elif any(generated_counts()):  # generated by someone else meanwhile
                    raise GenerationError("Generated records appeared meanwhile; nothing written.")
                report.counts = builder.write(work, progress)
        except IntegrityError as error:
            message = f"The database refused the catalogue; nothing was changed: {error}"
            raise GenerationError(message) from error
    report.seconds = time.perf_counter() - started
    return report
