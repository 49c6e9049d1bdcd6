# ruff: noqa: E501 - the catalogue reads best one text per line
"""A small, realistic catalogue for search tests: Etelä-Savo, Vaasa, Helsinki and national
services, named and described in Finnish, Swedish and English as real listings are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from services.models import (
    ContactPoint,
    Location,
    OpeningHours,
    Organisation,
    SupportService,
)
from services.search_index import rebuild_search_index

MIKKELI, SAVONLINNA, VAASA, HELSINKI, JUVA = "491", "740", "905", "091", "178"
ETELA_SAVO, POHJANMAA = "12", "17"

ORGANISATIONS = {
    "eloisa": (
        "Etelä-Savon hyvinvointialue Eloisa",
        "Södra Savolax välfärdsområde",
        "South Savo Wellbeing Services County",
        Organisation.Kind.PUBLIC,
    ),
    "mll": (
        "Mannerheimin Lastensuojeluliitto",
        "Mannerheims Barnskyddsförbund",
        "Mannerheim League for Child Welfare",
        Organisation.Kind.NGO,
    ),
    "etkl": (
        "Ensi- ja turvakotien liitto",
        "Förbundet för mödra- och skyddshem",
        "Federation of Mother and Child Homes and Shelters",
        Organisation.Kind.NGO,
    ),
    "vasa": (
        "Vaasan ruotsalainen seurakunta",
        "Vasa svenska församling",
        "Vaasa Swedish Parish",
        Organisation.Kind.PARISH,
    ),
    "helsinki": (
        "Helsingin kaupunki",
        "Helsingfors stad",
        "City of Helsinki",
        Organisation.Kind.PUBLIC,
    ),
    "sateenkaari": (
        "Sateenkaariperheet ry",
        "Regnbågsfamiljer rf",
        "Rainbow Families Finland",
        Organisation.Kind.NGO,
    ),
}

# name, summary, description: (fi, sv, en); places: (name, street, postal code, municipality,
# latitude, longitude).
SERVICES: dict[str, dict[str, Any]] = {
    "aitiysneuvola": dict(
        organisation="eloisa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=("Äitiysneuvola, Mikkeli", "Mödrarådgivning, S:t Michel", "Maternity clinic, Mikkeli"),
        summary=(
            "Raskauden seuranta ja tuki odottavalle perheelle.",
            "Uppföljning av graviditeten och stöd för den väntande familjen.",
            "Check-ups during pregnancy and support for the expecting family.",
        ),
        description=(
            "Terveydenhoitaja tapaa odottavan äidin ja puolison noin kymmenen kertaa raskauden aikana. Käynnit ovat maksuttomia.",
            "Hälsovårdaren träffar den blivande mamman och partnern ungefär tio gånger under graviditeten.",
            "A public health nurse meets the expecting mother and her partner about ten times during the pregnancy.",
        ),
        channels=["IN_PERSON", "HOME_VISIT"],
        target_groups=["EXPECTING", "MOTHERS", "FATHERS"],
        life_situations=["PREGNANCY"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi", "sv"],
        prenatal=True,
        counties=[ETELA_SAVO],
        places=[("Mikkelin neuvola", "Porrassalmenkatu 20", "50100", MIKKELI, 61.6890, 27.2700)],
    ),
    "lastenneuvola": dict(
        organisation="eloisa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Lastenneuvola, Mikkeli",
            "Barnrådgivning, S:t Michel",
            "Child health clinic, Mikkeli",
        ),
        summary=(
            "Lapsen kasvun ja kehityksen seuranta syntymästä kouluikään.",
            "Uppföljning av barnets tillväxt och utveckling från födseln till skolåldern.",
            "Follows the child's growth and development from birth to school age.",
        ),
        description=(
            "Lastenneuvola tukee vanhemmuutta ja koko perheen hyvinvointia. Laajat terveystarkastukset tehdään yhdessä lääkärin kanssa.",
            "Barnrådgivningen stöder föräldraskapet och hela familjens välbefinnande.",
            "The child health clinic supports parenting and the whole family's wellbeing.",
        ),
        channels=["IN_PERSON"],
        target_groups=["PARENTS"],
        life_situations=["BABY", "TODDLER_PRESCHOOL"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
        min_age=0,
        max_age=6,
        counties=[ETELA_SAVO],
        places=[("Mikkelin neuvola", "Porrassalmenkatu 20", "50100", MIKKELI, 61.6890, 27.2700)],
    ),
    "perheneuvola": dict(
        organisation="eloisa",
        tier="SPECIALIST",
        name=(
            "Perheneuvola, Savonlinna",
            "Familjerådgivningsbyrå, Nyslott",
            "Family counselling clinic, Savonlinna",
        ),
        summary=(
            "Apua lapsen kasvatukseen ja perheen ristiriitoihin.",
            "Hjälp med barnets uppfostran och konflikter i familjen.",
            "Help with bringing up children and with conflicts in the family.",
        ),
        description=(
            "Psykologi ja sosiaalityöntekijä auttavat, kun lapsen käytös huolestuttaa tai koulunkäynti takkuaa.",
            "En psykolog och en socialarbetare hjälper när barnets beteende oroar.",
            "A psychologist and a social worker help when a child's behaviour or school worries you.",
        ),
        channels=["IN_PERSON", "VIDEO"],
        target_groups=["PARENTS"],
        life_situations=["CHILD_BEHAVIOUR", "CHILD_DEVELOPMENT", "SCHOOL_AGE"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
        min_age=0,
        max_age=17,
        counties=[ETELA_SAVO],
        places=[("", "Olavinkatu 27", "57100", SAVONLINNA, 61.8690, 28.8800)],
    ),
    "eropalvelut": dict(
        organisation="eloisa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=("Eropalvelut", "Tjänster vid skilsmässa", "Separation services"),
        summary=(
            "Keskusteluapua eroa harkitseville ja eron jälkeiseen vanhemmuuteen.",
            "Samtalsstöd för dem som funderar på skilsmässa och för föräldraskapet efteråt.",
            "Talking help for those considering separation and for parenting afterwards.",
        ),
        description=(
            "Eroneuvoja auttaa sopimaan lasten asumisesta ja tapaamisista.",
            "Rådgivaren hjälper er att komma överens om var barnen ska bo.",
            "An adviser helps you agree on where the children live and when they meet each parent.",
        ),
        channels=["IN_PERSON", "PHONE"],
        target_groups=["SEPARATING", "ONE_PARENT"],
        life_situations=["SEPARATION"],
        attributes=["FREE"],
        languages=["fi"],
        municipalities=[MIKKELI, JUVA],
        places=[("", "Maaherrankatu 9", "50100", MIKKELI, 61.6880, 27.2750)],
    ),
    "parisuhdeneuvonta": dict(
        organisation="eloisa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=("Parisuhdeneuvonta", "Parrådgivning", "Couples counselling"),
        summary=(
            "Tukea parisuhteen kriiseihin ja arkeen.",
            "Stöd i kriser och vardag i parförhållandet.",
            "Support for a relationship in crisis and in everyday life.",
        ),
        description=(
            "Pariterapeutti tapaa pariskuntia, jotka haluavat parantaa suhdettaan.",
            "En parterapeut träffar par som vill förbättra sin relation.",
            "A couples therapist meets couples who want to improve their relationship.",
        ),
        channels=["IN_PERSON", "VIDEO"],
        target_groups=["COUPLES"],
        life_situations=["COUPLE_DIFFICULTIES"],
        attributes=["NO_REFERRAL", "EVENINGS_WEEKENDS"],
        languages=["fi", "en"],
        counties=[ETELA_SAVO],
        places=[("", "Hallituskatu 3", "50100", MIKKELI, 61.6886, 27.2723)],
    ),
    "familjeradgivning": dict(
        organisation="vasa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Perheneuvonta ruotsiksi, Vaasa",
            "Familjerådgivning, Vasa",
            "Family counselling in Swedish, Vaasa",
        ),
        summary=(
            "Ruotsinkielistä keskusteluapua pareille ja perheille.",
            "Samtalsstöd på svenska för par och familjer.",
            "Counselling in Swedish for couples and families.",
        ),
        description=(
            "Seurakunnan perheneuvojat auttavat parisuhteen ja perheen kriiseissä. Jäsenyyttä ei vaadita.",
            "Församlingens familjerådgivare hjälper i kriser i parförhållandet och familjen. Medlemskap krävs inte.",
            "The parish's family counsellors help in crises of the relationship and the family. Membership is not required.",
        ),
        channels=["IN_PERSON", "PHONE"],
        target_groups=["COUPLES", "PARENTS"],
        life_situations=["COUPLE_DIFFICULTIES", "SEPARATION"],
        attributes=["FREE"],
        languages=["sv"],
        municipalities=[VAASA],
        places=[("", "Kyrkoesplanaden 2", "65100", VAASA, 63.0960, 21.6160)],
    ),
    "vanhempainpuhelin": dict(
        organisation="mll",
        tier="DIGITAL",
        nationwide=True,
        name=("Vanhempainpuhelin", "Föräldratelefonen", "Parents' Helpline"),
        summary=(
            "Maksuton puhelin vanhemmille kasvatuksen ja arjen huoliin.",
            "Avgiftsfri telefon för föräldrar med bekymmer om fostran och vardag.",
            "A free helpline for parents worried about upbringing and everyday life.",
        ),
        description=(
            "Koulutetut vapaaehtoiset kuuntelevat nimettömästi.",
            "Utbildade frivilliga lyssnar anonymt.",
            "Trained volunteers listen anonymously.",
        ),
        channels=["PHONE"],
        target_groups=["PARENTS", "GRANDPARENTS"],
        life_situations=["CHILD_BEHAVIOUR", "MENTAL_HEALTH"],
        attributes=["FREE", "ANONYMOUS", "NO_REFERRAL", "EVENINGS_WEEKENDS"],
        languages=["fi"],
        min_age=0,
        max_age=17,
        phone=("0800 92277", [(day, "10:00", "20:00") for day in range(5)]),
    ),
    "isaryhma": dict(
        organisation="mll",
        tier="UNIVERSAL_GROUP",
        name=("Isäryhmä, Mikkeli", "Pappagrupp, S:t Michel", "Fathers' group, Mikkeli"),
        summary=(
            "Isät ja lapset tapaavat kerran viikossa leikin ja vertaistuen merkeissä.",
            "Pappor och barn träffas varje vecka för lek och kamratstöd.",
            "Fathers and children meet weekly for play and peer support.",
        ),
        description=(
            "Ryhmä kokoontuu lauantaisin perhekeskuksessa.",
            "Gruppen träffas på lördagar i familjecentret.",
            "The group meets on Saturdays at the family centre.",
        ),
        channels=["GROUP"],
        target_groups=["FATHERS"],
        life_situations=["BABY", "TODDLER_PRESCHOOL"],
        attributes=["FREE", "NO_REFERRAL", "EVENINGS_WEEKENDS"],
        languages=["fi"],
        min_age=0,
        max_age=6,
        municipalities=[MIKKELI],
        places=[("Perhekeskus", "Savilahdenkatu 1", "50100", MIKKELI, 61.6900, 27.2800)],
    ),
    "vauvaperhetyo": dict(
        organisation="eloisa",
        tier="SPECIALIST",
        name=("Vauvaperhetyö", "Familjearbete för babyfamiljer", "Infant family work"),
        summary=(
            "Kotikäyntejä perheille, joissa vauvan hoito tuntuu raskaalta.",
            "Hembesök hos familjer där det känns tungt att ta hand om babyn.",
            "Home visits to families who find caring for their baby hard.",
        ),
        description=(
            "Perhetyöntekijä tukee vanhemman ja vauvan vuorovaikutusta.",
            "Familjearbetaren stöder samspelet mellan förälder och baby.",
            "A family worker supports the interaction between parent and baby.",
        ),
        channels=["HOME_VISIT"],
        target_groups=["PARENTS", "EXPECTING"],
        life_situations=["BABY", "MENTAL_HEALTH"],
        attributes=["FREE"],
        languages=["fi"],
        min_age=0,
        max_age=1,
        prenatal=True,
        counties=[ETELA_SAVO],
    ),
    "nettiturvakoti": dict(
        organisation="etkl",
        tier="DIGITAL",
        nationwide=True,
        name=("Nettiturvakoti", "Nettiturvakoti", "Nettiturvakoti"),
        summary=(
            "Tietoa ja nimetöntä chat-apua lähisuhdeväkivallasta.",
            "Information och anonym chatt om våld i nära relationer.",
            "Information and anonymous chat about violence in close relationships.",
        ),
        description=(
            "Verkkopalvelu väkivaltaa kokeneille, sen läheisille ja väkivaltaa käyttäneille.",
            "En webbtjänst för dem som upplevt våld, deras närstående och dem som utövat våld.",
            "An online service for people who have experienced violence, those close to them and those who have used violence.",
        ),
        channels=["CHAT", "SELF_HELP"],
        target_groups=["PARENTS", "COUPLES"],
        life_situations=["VIOLENCE"],
        attributes=["FREE", "ANONYMOUS", "NO_REFERRAL", "OPEN_24_7"],
        languages=["fi", "sv", "en"],
        chat="https://nettiturvakoti.fi/",
    ),
    "perhekahvila": dict(
        organisation="mll",
        tier="UNIVERSAL_GROUP",
        name=(
            "MLL:n perhekahvila, Savonlinna",
            "MLL:s familjecafé, Nyslott",
            "MLL family café, Savonlinna",
        ),
        summary=(
            "Avoin kohtaamispaikka vauva- ja leikki-ikäisten perheille.",
            "En öppen mötesplats för familjer med baby- och lekåldersbarn.",
            "An open meeting place for families with babies and toddlers.",
        ),
        description=(
            "Tule juomaan kahvia ja tapaamaan muita vanhempia.",
            "Kom och drick kaffe och träffa andra föräldrar.",
            "Come for a coffee and meet other parents.",
        ),
        channels=["MEETING_PLACE"],
        target_groups=["PARENTS", "GRANDPARENTS"],
        life_situations=["BABY", "TODDLER_PRESCHOOL"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
        min_age=0,
        max_age=6,
        municipalities=[SAVONLINNA],
        places=[("Kahvila Pikku-Olavi", "Kauppatori 1", "57100", SAVONLINNA, 61.8680, 28.8870)],
    ),
    "lapset_puheeksi": dict(
        organisation="eloisa",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Lapset puheeksi -keskustelu neuvolassa ja perhekeskuksessa",
            "Barnen i fokus-samtal på rådgivningen och i familjecentret",
            "Let's Talk about Children at the clinic and family centre",
        ),
        summary=(
            "Keskustelu lapsen arjen vahvuuksista ja haavoittuvuuksista.",
            "Ett samtal om styrkor och sårbarheter i barnets vardag.",
            "A talk about the strengths and vulnerabilities of a child's everyday life.",
        ),
        description=(
            "Keskustelu sopii kaikille perheille, erityisesti muutosten keskellä.",
            "Samtalet passar alla familjer.",
            "The talk suits all families, especially in times of change.",
        ),
        channels=["IN_PERSON"],
        target_groups=["PARENTS"],
        life_situations=["CHILD_DEVELOPMENT"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
        counties=[ETELA_SAVO],
        places=[("Mikkelin neuvola", "Porrassalmenkatu 20", "50100", MIKKELI, 61.6890, 27.2700)],
    ),
    "sateenkaari": dict(
        organisation="sateenkaari",
        tier="DIGITAL",
        nationwide=True,
        name=(
            "Sateenkaariperheiden verkkoryhmä",
            "Nätgrupp för regnbågsfamiljer",
            "Online group for rainbow families",
        ),
        summary=(
            "Vertaistukea sateenkaariperheille ja perhettä suunnitteleville.",
            "Kamratstöd för regnbågsfamiljer och dem som planerar familj.",
            "Peer support for rainbow families and those planning a family.",
        ),
        description=(
            "Ryhmä tapaa verkossa kerran kuussa.",
            "Gruppen träffas på nätet en gång i månaden.",
            "The group meets online once a month.",
        ),
        channels=["ONLINE_GROUP"],
        target_groups=["RAINBOW"],
        life_situations=["PREGNANCY", "INFERTILITY"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi", "sv"],
    ),
    "velkaneuvonta": dict(
        organisation="helsinki",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Talous- ja velkaneuvonta lapsiperheille",
            "Ekonomi- och skuldrådgivning för barnfamiljer",
            "Debt counselling for families with children",
        ),
        summary=(
            "Apua laskujen, velkojen ja perheen talouden suunnitteluun.",
            "Hjälp med räkningar, skulder och familjens ekonomi.",
            "Help with bills, debts and planning the family's money.",
        ),
        description=(
            "Neuvoja käy läpi tulot ja menot ja auttaa sopimaan velkojien kanssa.",
            "Rådgivaren går igenom inkomster och utgifter.",
            "The adviser goes through income and expenses and helps you agree with creditors.",
        ),
        channels=["IN_PERSON", "PHONE"],
        target_groups=["PARENTS", "ONE_PARENT"],
        life_situations=["FINANCES"],
        attributes=["FREE"],
        languages=["fi", "sv", "en"],
        municipalities=[HELSINKI],
        places=[("", "Kalevankatu 3", "00100", HELSINKI, 60.1670, 24.9400)],
    ),
    "paihdeperhetyo": dict(
        organisation="eloisa",
        tier="SPECIALIST",
        name=(
            "Päihdeperhetyö",
            "Familjearbete inom missbrukarvården",
            "Family work in substance abuse services",
        ),
        summary=(
            "Tukea perheille, joissa vanhempi käyttää alkoholia tai huumeita.",
            "Stöd för familjer där en förälder använder alkohol eller droger.",
            "Support for families where a parent uses alcohol or drugs.",
        ),
        description=(
            "Työntekijä tapaa perhettä kotona ja vastaanotolla.",
            "Arbetaren träffar familjen hemma och på mottagningen.",
            "A worker meets the family at home and at the office.",
        ),
        channels=["IN_PERSON", "HOME_VISIT"],
        target_groups=["PARENTS", "EXPECTING"],
        life_situations=["SUBSTANCE"],
        attributes=["FREE"],
        languages=["fi"],
        counties=[ETELA_SAVO],
        places=[("", "Raatihuoneenkatu 8", "50100", MIKKELI, 61.6870, 27.2710)],
    ),
    "surevat": dict(
        organisation="mll",
        tier="UNIVERSAL_GROUP",
        nationwide=True,
        name=(
            "Surevien vanhempien vertaisryhmä",
            "Kamratgrupp för sörjande föräldrar",
            "Peer group for bereaved parents",
        ),
        summary=(
            "Vertaistukea lapsen kuoleman kokeneille vanhemmille.",
            "Kamratstöd för föräldrar som förlorat ett barn.",
            "Peer support for parents who have lost a child.",
        ),
        description=(
            "Ryhmä kokoontuu verkossa.",
            "Gruppen träffas på nätet.",
            "The group meets online.",
        ),
        channels=["ONLINE_GROUP"],
        target_groups=["BEREAVED"],
        life_situations=["BEREAVEMENT"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
    ),
    "perhevalmennus": dict(
        organisation="eloisa",
        tier="UNIVERSAL_GROUP",
        name=("Perhevalmennus", "Familjeförberedelse", "Antenatal classes"),
        summary=(
            "Ryhmä ensimmäistä lastaan odottaville: synnytys, imetys ja vauva-arki.",
            "En grupp för dem som väntar sitt första barn: förlossning, amning och babyvardag.",
            "A group for parents expecting their first child: birth, breastfeeding and life with a baby.",
        ),
        description=(
            "Valmennus on osa äitiysneuvolan palveluja.",
            "Förberedelsen hör till mödrarådgivningens tjänster.",
            "The classes are part of the maternity clinic's services.",
        ),
        channels=["GROUP"],
        target_groups=["EXPECTING"],
        life_situations=["PREGNANCY", "BABY"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["fi"],
        prenatal=True,
        counties=[ETELA_SAVO],
        places=[("Mikkelin neuvola", "Porrassalmenkatu 20", "50100", MIKKELI, 61.6890, 27.2700)],
    ),
    "eroperheet_verkossa": dict(
        organisation="etkl",
        tier="DIGITAL",
        nationwide=True,
        name=("Apua eroon -chat", "Hjälp vid skilsmässa – chatt", "Help with separation chat"),
        summary=(
            "Chat eroa pohtiville ja eronneille vanhemmille.",
            "En chatt för föräldrar som funderar på skilsmässa eller har skilt sig.",
            "A chat for parents considering or going through a separation.",
        ),
        description=(
            "Ammattilaiset vastaavat arki-iltaisin.",
            "Yrkesfolk svarar på vardagskvällar.",
            "Professionals answer on weekday evenings.",
        ),
        channels=["CHAT"],
        target_groups=["SEPARATING"],
        life_situations=["SEPARATION"],
        attributes=["FREE", "ANONYMOUS", "NO_REFERRAL", "EVENINGS_WEEKENDS"],
        languages=["fi", "sv"],
        chat="https://apuaeroon.fi/",
    ),
    "lastenvalvoja": dict(
        organisation="helsinki",
        tier="SPECIALIST",
        name=("Lastenvalvoja", "Barnatillsyningsman", "Child welfare supervisor"),
        summary=(
            "Sopimukset elatuksesta, huollosta ja tapaamisoikeudesta.",
            "Avtal om underhåll, vårdnad och umgängesrätt.",
            "Agreements on child maintenance, custody and visiting rights.",
        ),
        description=(
            "Lastenvalvoja vahvistaa vanhempien sopimukset erotilanteessa.",
            "Barnatillsyningsmannen fastställer föräldrarnas avtal vid skilsmässa.",
            "The child welfare supervisor confirms the parents' agreements when they separate.",
        ),
        channels=["IN_PERSON", "VIDEO"],
        target_groups=["SEPARATING"],
        life_situations=["SEPARATION"],
        attributes=["FREE"],
        languages=["fi", "sv"],
        min_age=0,
        max_age=17,
        municipalities=[HELSINKI],
        places=[("", "Toinen linja 4", "00530", HELSINKI, 60.1840, 24.9460)],
    ),
    "kotoutuvat": dict(
        organisation="helsinki",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Ohjaus Suomeen muuttaneille perheille",
            "Vägledning för familjer som flyttat till Finland",
            "Guidance for families who have moved to Finland",
        ),
        summary=(
            "Neuvontaa arjesta, palveluista ja vanhemmuudesta omalla kielellä.",
            "Rådgivning om vardagen, tjänster och föräldraskap på ditt eget språk.",
            "Advice on everyday life, services and parenting in your own language.",
        ),
        description=(
            "Palvelua saa arabiaksi, somaliksi ja venäjäksi.",
            "Tjänsten finns på arabiska, somaliska och ryska.",
            "The service is available in Arabic, Somali and Russian.",
        ),
        channels=["IN_PERSON", "PHONE"],
        target_groups=["IMMIGRANT", "MULTICULTURAL"],
        life_situations=["MIGRATION"],
        attributes=["FREE", "NO_REFERRAL"],
        languages=["ar", "so", "ru", "en"],
        municipalities=[HELSINKI],
        places=[("", "Itäkatu 1", "00930", HELSINKI, 60.2100, 25.0800)],
    ),
    "uupumus_chat": dict(
        organisation="mll",
        tier="DIGITAL",
        nationwide=True,
        name=(
            "Uupuneen vanhemman chat",
            "Chatt för utmattade föräldrar",
            "Chat for exhausted parents",
        ),
        summary=(
            "Keskustele nimettömästi, kun vanhemmuus väsyttää.",
            "Chatta anonymt när föräldraskapet tröttar ut dig.",
            "Talk anonymously when parenting wears you out.",
        ),
        description=(
            "Chat on auki iltaisin ja viikonloppuisin.",
            "Chatten är öppen på kvällar och veckoslut.",
            "The chat is open in the evenings and at weekends.",
        ),
        channels=["CHAT"],
        target_groups=[],
        life_situations=["MENTAL_HEALTH"],
        attributes=["FREE", "ANONYMOUS", "EVENINGS_WEEKENDS"],
        languages=["fi"],
        chat="https://example.org/chat/",
    ),
    "perhetyo_helsinki": dict(
        organisation="helsinki",
        tier="UNIVERSAL_INDIVIDUAL",
        name=(
            "Lapsiperheiden kotipalvelu, Helsinki",
            "Hemservice för barnfamiljer, Helsingfors",
            "Home help for families with children, Helsinki",
        ),
        summary=(
            "Apua lastenhoitoon ja kodin arkeen tilapäisesti.",
            "Tillfällig hjälp med barnskötsel och vardagen hemma.",
            "Temporary help with childcare and everyday chores at home.",
        ),
        description=(
            "Kodinhoitaja tulee kotiin sovittuina päivinä.",
            "En hemvårdare kommer hem till er på avtalade dagar.",
            "A home help worker comes to your home on agreed days.",
        ),
        channels=["HOME_VISIT"],
        target_groups=["PARENTS", "MULTIPLES"],
        life_situations=["BABY", "ILLNESS_DISABILITY"],
        attributes=[],
        languages=["fi", "sv"],
        min_age=0,
        max_age=12,
        municipalities=[HELSINKI],
    ),
    "luonnos": dict(
        organisation="eloisa",
        tier="SPECIALIST",
        status=SupportService.Status.DRAFT,
        name=("Perheneuvola, Juva (luonnos)", "", ""),
        summary=("Ei vielä julkaistu.", "", ""),
        description=("", "", ""),
        channels=["IN_PERSON"],
        target_groups=["PARENTS"],
        life_situations=["CHILD_BEHAVIOUR"],
        attributes=[],
        languages=["fi"],
        counties=[ETELA_SAVO],
    ),
    "arkistoitu": dict(
        organisation="eloisa",
        tier="UNIVERSAL_GROUP",
        status=SupportService.Status.ARCHIVED,
        name=("Eroryhmä, Juva (päättynyt)", "", ""),
        summary=("Ryhmä on päättynyt.", "", ""),
        description=("", "", ""),
        channels=["GROUP"],
        target_groups=["SEPARATING"],
        life_situations=["SEPARATION"],
        attributes=[],
        languages=["fi"],
        municipalities=[JUVA],
    ),
}


def _texts(service: SupportService, field: str, texts: tuple[str, str, str]) -> None:
    for language, text in zip(("fi", "sv", "en"), texts, strict=True):
        setattr(service, f"{field}_{language}", text or None if field == "name" else text)


def build_world() -> dict[str, SupportService]:
    """Create the organisations and services above and index them; returns services by key."""
    with translation.override("fi"):
        organisations = {}
        for key, (fi, sv, en, kind) in ORGANISATIONS.items():
            organisations[key] = Organisation.objects.create(
                name_fi=fi, name_sv=sv, name_en=en, kind=kind
            )
        services = {}
        for key, spec in SERVICES.items():
            service = SupportService(
                organisation=organisations[spec["organisation"]],
                tier_id=spec["tier"],
                status=spec.get("status", SupportService.Status.PUBLISHED),
                is_nationwide=spec.get("nationwide", False),
                min_age=spec.get("min_age"),
                max_age=spec.get("max_age"),
                prenatal=spec.get("prenatal", False),
                source="MANUAL",
            )
            for field in ("name", "summary", "description"):
                _texts(service, field, spec[field])
            service.save()
            service.channels.set(spec["channels"])
            service.target_groups.set(spec["target_groups"])
            service.life_situations.set(spec["life_situations"])
            service.attributes.set(spec["attributes"])
            service.languages.set(spec["languages"])
            service.area_counties.set(spec.get("counties", []))
            service.area_municipalities.set(spec.get("municipalities", []))
            for name, street, postal_code, municipality, latitude, longitude in spec.get(
                "places", []
            ):
                Location.objects.create(
                    service=service,
                    name_fi=name,
                    street_address_fi=street,
                    postal_code=postal_code,
                    municipality_id=municipality,
                    latitude=latitude,
                    longitude=longitude,
                )
            if "phone" in spec:
                number, hours = spec["phone"]
                contact = ContactPoint.objects.create(
                    service=service, kind=ContactPoint.Kind.PHONE, value=number
                )
                for weekday, opens, closes in hours:
                    OpeningHours.objects.create(
                        contact_point=contact,
                        weekday=weekday,
                        opens=dt.time.fromisoformat(opens),
                        closes=dt.time.fromisoformat(closes),
                    )
            if "chat" in spec:
                ContactPoint.objects.create(
                    service=service, kind=ContactPoint.Kind.CHAT, value=spec["chat"]
                )
            services[key] = service
    rebuild_search_index()
    return services
