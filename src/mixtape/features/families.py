"""Spotify's fine genre names mapped to 15 coarse families.

``family_of("album rock") == "rock"``.  The mapping is written by hand as rules
plus exceptions (``docs/genre-families.md`` has the full reasoning and the
measured coverage).  A name is first *normalized*: casefolded, accents dropped,
hyphens/underscores/slashes and most punctuation turned into spaces, ``&`` and
``'n'`` read as "and", ``r&b``/``rnb`` unified; so "K-Pop", " k pop " and
"k-pop" are the same name.  Then, in order of precedence:

1. **Exceptions**: the whole normalized name is looked up in ``EXCEPTIONS``,
   names the rules below would get wrong ("techno kayo" is Japanese pop,
   "futurepop" is EBM-style EDM).
2. **Children's music**: a word that marks music made for children ("kids",
   "children", "nursery", "infantil" ...) sends the name to "other" whatever
   its style ("children's folk", "kindie rock").
3. **The head term**: the name is scanned for known *style terms*, single words
   or phrases of up to four words ("hip hop", "drum and bass", "bossa nova").
   The term that ends furthest right wins, the longer one on a tie: English
   genre names put the head last ("dance pop" is pop, "pop rap" is hip hop,
   "country rock" is rock), and a phrase that ends in the same word beats that
   word ("lovers rock" is reggae, "hip house" is EDM).  Words that are not terms
   (places, languages, "classic", "deep", "modern", "instrumental", "k", "j")
   are skipped, so locale prefixes never block the head ("swedish hip hop",
   "k-pop") and head-first Spanish or Portuguese names still find their style
   ("rock en espanol", "trap argentino").
4. **Compound words**: a word that is not a term but ends like one
   ("synthpop", "krautrock", "brostep", "goregrind") counts as a style term of
   that family, at its position.
5. **Weak terms**: instruments, ensembles and generic words ("fiddle",
   "piano", "orchestra", "choir", "musica") decide only when the name has no
   style term at all: "jazz orchestra" is jazz, "scottish fiddle" is folk,
   "american orchestra" is other.
6. **Fallback**: "other".

Families are styles, not markets: "latin" is the family of Latin American and
Spanish styles (salsa, cumbia, reggaeton, tango, samba, bossa nova, MPB ...),
while "latin pop" is pop and "latin jazz" jazz by the head rule, exactly as
"mexican pop" is pop.  Bossa nova is latin: it is a samba-derived Brazilian song
form, sung in Portuguese and shelved with MPB; its jazz readings are named
"bossa nova jazz" and go to jazz by the same head rule.  There is no classical
family: classical, opera, soundtracks, comedy, religious and functional music
(sleep, meditation) are honestly "other".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

#: The families, in the order tables and reports list them.
FAMILIES: tuple[str, ...] = (
    "rock",
    "hip hop",
    "pop",
    "jazz",
    "blues",
    "country",
    "metal",
    "reggae",
    "folk",
    "soul",
    "EDM",
    "dance",
    "latin",
    "funk",
    "other",
)
OTHER = "other"

# Each table maps a family to its terms, separated by commas; a term of several
# words is a phrase.  Terms are normalized like names, so write them naturally.

#: Style terms: the rightmost one in a name decides (rule 3).
_STYLE_TERMS: dict[str, str] = {
    "rock": """
        rock, rock and roll, rockabilly, punk and roll, rockism, indie, alternative, alt, punk,
        grunge, emo, screamo, skramz, emocore, easycore, swancore, dreamo, orgcore, queercore,
        nintendocore, shoegaze, nu gaze, hardcore, thrash core, oi, uk82, d beat, riot grrrl,
        straight edge, nyhc, slowcore, sadcore, psych, psychedelic, psicodelia, kraut, surf,
        madchester, british invasion, merseybeat, freakbeat, beat, beatlesque, mod, new wave,
        no wave, cold wave, dark wave, darkwave, ethereal wave, permanent wave, mellow gold,
        zolo, gbvfi, e6fi, industrial, gothic, goth, deathrock, visual kei, oshare kei, prog,
        progressive, zeuhl, canterbury scene, jam band, power pop, paisley underground,
        dunedin sound, palm desert scene, progg, skiffle, britpop, new rave, neue deutsche welle,
        neue deutsche todeskunst, supergroup
    """,
    "hip hop": """
        hip hop, rap, trap, drill, grime, boom bap, crunk, hyphy, bounce, phonk, horrorcore,
        nerdcore, turntablism, scratch, bboy, beatboxing, chillhop, g funk,
        chopped and screwed, miami bass, beats, hiplife, afroswing, deutschrap, wu fam,
        hip pop
    """,
    "pop": """
        pop, idol, boy band, boy group, girl group, talent show, mask singer, eurovision,
        schlager, iskelma, dansband, danseband, dansktop, chanson, variete, ye ye, enka,
        kayokyoku, shibuya kei, denpa kei, opm, bhangra, filmi, bollywood, tollywood,
        kollywood, mollywood, sandalwood, dangdut, arabesk, laiko, mizrahi, israeli mediterranean,
        rai, shaabi, khaleeji, neo mellow, new romantic, highlife, juju, soukous,
        rumba congolaise, makossa, mbalax, zouglou, azonto, azontobeats, coupe decale,
        bongo flava, manila sound, vocaloid, pixie, lilith, metropopolis, poptimism, popwave,
        c86, minimal wave, afrobeats, cancion melodica, nueva ola, zhongguo feng, karneval,
        glitchcore
    """,
    "jazz": """
        jazz, bebop, bop, swing, dixieland, ragtime, stride, big band, dance band, brass band,
        second line, adult standards, torch song, tin pan alley, harlem renaissance,
        free improvisation, hammond organ, smooth saxophone
    """,
    "blues": "blues, boogie woogie, jug band, honky tonk piano, tuareg, touareg",
    "country": """
        country, bluegrass, americana, honky tonk, outlaw, red dirt, bakersfield sound,
        nashville sound, western swing, western, cowboy, old west, redneck, hillbilly,
        bush ballad, cosmic american, old time, string band, clawhammer, roots, newgrass,
        bluegrass gospel, country gospel, southern gospel, country pop, country boogie
    """,
    "metal": """
        metal, metalcore, deathcore, grindcore, mathcore, trancecore, thrash, doom, sludge,
        djent, shred, nwobhm, nwothm, thall, black and roll, death and roll, blackened,
        blackened crust, neue deutsche harte, blackgaze
    """,
    "reggae": """
        reggae, ska, dub, dancehall, ragga, rocksteady, rock steady, lovers rock, mento,
        calypso, soca, jawaiian, zimdancehall, euroska, dub poetry, ska jazz
    """,
    "folk": """
        folk, folklore, folclore, folklor, folclor, traditional, singer songwriter, cantautor,
        cantautora, cantautori, liedermacher, visor, canzone, nueva cancion, nova canco,
        canto popular, celtic, shanty, bard, jig and reel, pub song, stomp and holler,
        stomp and flutter, stomp and whittle, new weird america, american primitive, klezmer,
        gypsy, sefardi, rebetiko, entehno, nisiotika, dabke, sevdah, narodna, muzica populara,
        humppa, sotalaulut, polka, polca, yodeling, yoik, fado, guitarra portuguesa,
        guitarra argentina, morna, funana, griot, wassoulou, peule, gamelan, cajun, zydeco,
        hawaiian, hula, slack key guitar, native american, navajo, indigenous, xhosa, kabyle,
        taarab, garba, throat singing, tuna, keroncong, kundiman, ryukyu, luk thung, mor lam,
        irish dance, belly dance, balkan brass, bouzouki, baglama, saz, oud, duduk, erhu,
        guzheng, pipa, koto, shakuhachi, shamisen, kora, balalaika, hurdy gurdy,
        uilleann pipes, bagpipe, bagpipes, pibroch, panpipe, didgeridoo, dulcimer,
        nyckelharpa, kantele, folkmusik, volksmusik, indiecoustica, women s music,
        musica aragonesa, musica canaria, musica sarda, musica piemonteisa, musica prehispanica
    """,
    "soul": """
        soul, r&b, rhythm and blues, motown, quiet storm, doo wop, new jack swing,
        urban contemporary, souldies, gospel, trap soul, beach music, sacred steel
    """,
    "EDM": """
        edm, cedm, electronic, electronica, electro, house, techno, trance, dubstep, dnb,
        drum and bass, drill and bass, jungle, breakbeat, breaks, breakcore, big beat,
        broken beat, new beat, big room, idm, braindance, intelligent dance music, glitch,
        glitch hop, trip hop, ambient, downtempo, chillout, chill out, lounge, balearic, rave,
        circuit, clubbing, garage, bassline, bass music, future bass, future funk, neurofunk,
        liquid funk, uk funky, riddim, hardstyle, rawstyle, xtra raw, gabba, gabber,
        frenchcore, speedcore, happy hardcore, uptempo hardcore, dark hardcore,
        digital hardcore, industrial hardcore, jump up, full on, psytrance, psybass, psychill,
        footwork, juke, bmore, jersey club, gqom, amapiano, kwaito, moombahton, complextro,
        electro swing, electroclash, ebm, aggrotech, futurepop, electro industrial,
        ambient industrial, synth, darksynth, vaporwave, chillwave, witch house, wave,
        hauntology, nightcore, nightrun, chiptune, 8 bit, bitpop, wonky, berlin school,
        french touch, melbourne bounce, ninja, cyberpunk, traprun, bass trap, electronic trap,
        basshall, dubsteppe, vogue, plunderphonics
    """,
    "dance": "dance, eurodance, disco, hi nrg, eurobeat, italo, freestyle, hands up",
    "latin": """
        latin, salsa, reggaeton, cumbia, bachata, merengue, tango, neotango, mpb, sertanejo,
        bossa nova, samba, pagode, forro, axe, baiao, choro, tropicalia, brega, manguebeat,
        jovem guarda, velha guarda, partido alto, samba rock, capoeira, bandinhas, frevo,
        maracatu, lambada, piseiro, arrocha, funk carioca, funk paulista, funk ostentacao,
        funk 150 bpm, funk das antigas, funk mandelao, funk brasileiro, baile funk, bolero,
        son, mambo, cha cha cha, rumba, timba, charanga, guaracha, boogaloo, trova, danzon,
        guajira, dembow, perreo, cubaton, tropical, chicha, chunchaca, champeta, porro,
        vallenato, gaita zuliana, joropo, llanera, cuarteto, chamame, chacarera, cueca,
        huayno, huapango, mariachi, ranchera, banda, norteno, corrido, corridos,
        grupera, gruperas, duranguense, tejano, tex mex, tamborazo, tecnobanda, sierreno,
        regional mexican, regional mexicano, punta, tipico, kompa, zouk, twoubadou, kizomba,
        flamenco, copla, sevillanas, marimba orquesta, orquesta tipica, ritmo kombina,
        sertanejo pop, cumbia pop, cumbia funk, urbano espanol, urbano latino
    """,
    "funk": "funk, boogie, go go, rare groove, groove, afrobeat, minneapolis sound",
    OTHER: """
        classical, opera, operetta, operatic, baroque, romantic, romanticism, renaissance,
        medieval, early music, galante, minimalism, serialism, impressionism, neoclassicism,
        neoclassical, modernism, art song, lied, madrigal, polyphony, chant, soundtrack, score,
        movie tunes, show tunes, broadway, west end, hollywood, disney, cartoon, theme, anime,
        vgm, video game music, scorecore, otacore, epicore, library music, spytrack, comedy,
        comic, parody, novelty, komedi, poetry, slam poetry, spoken word, drama, hoerspiel,
        christian, christian music, worship, praise, ccm, hymns, bible, lds, lldm, bahai,
        adventista, adoracion, louvor, christelijk, psalmen, papuri, lovsang, rosary, umbanda,
        musica cristiana, fo jing, bhajan, kirtan, shabad, qawwali, sufi, quran, islamic, ilahiler,
        cantorial, mantra, chakra, hindustani, carnatic, dhrupad, ghazal, rabindra sangeet,
        bhava geethe, new age, nu age, meditation, healing, sleep, spa, yoga, relaxative,
        mindfulness, focus, calming, background, asmr, binaural, white noise, sound effects,
        environmental, birdsong, 432hz, experimental, avant garde, sound art,
        musique concrete, acousmatic, microtonal, drone, world, cabaret, kabarett, vaudeville,
        music hall, circus, barbershop, glee club, marching band, military cadence,
        musikkorps, concert band, easy listening, light music, exotica, halloween, christmas,
        villancicos, wrestling, motivation, compositional ambient, martial industrial,
        esperanto, cymraeg, spirituals, musica antigua, musica de fondo, dong yo,
        violao classico
    """,
}

#: Weak terms: decide only when a name has no style term at all (rule 5).
_WEAK_TERMS: dict[str, str] = {
    "hip hop": "lo fi, hop",
    "pop": "romantico, cancion",
    "blues": "harmonica, washboard",
    "country": "steel guitar",
    "reggae": "steelpan",
    "folk": """
        banjo, mandolin, accordion, accordeon, fiddle, ukulele, concertina, autoharp, ballad,
        gaita, pagan
    """,
    "latin": "musica, bandolim, bandoneon, charango, cuatro, violao",
    "EDM": "moog",
    OTHER: """
        piano, guitar, violin, viola, cello, contrabass, double bass, bass, flute, clarinet,
        oboe, bassoon, horn, trumpet, trombone, tuba, saxophone, harp, harpsichord, organ,
        lute, recorder, theremin, vibraphone, mallet, marimba, percussion, drums, drumming,
        orchestra, orchestral, orkester, orquesta, symphony, choir, choral, chorus, ensemble,
        quartet, quintet, trio, duo, quartetto, quatuor, streichquartett, band, a cappella,
        performance, soprano, mezzo soprano, contralto, countertenor, tenor, baritone, sitar,
        sarod, veena, tabla, bansuri, singing bowl, hangpan, handpan, music box
    """,
}

#: Words marking music for children: "other" whatever the style (rule 2).
_CHILDREN_WORDS = """
    children, kids, kid, kindie, nursery, lullaby, lullabies, enfants, enfant, infantil, ninos,
    criancas, yeladim, pisnicky, pesni, bajki, kodomo, preschool, vbs, kinder, kinderlieder,
    barnmusik
"""

#: Whole names the rules get wrong (rule 1), as normalized names.
EXCEPTIONS: dict[str, str] = {
    "techno kayo": "pop",  # 1980s Japanese technopop (kayokyoku), not techno
    "vietnamese bolero": "pop",  # a Vietnamese ballad style, not the Latin bolero
    "swedish synth": "pop",  # Swedish synth-pop bands
    "trio cubano": "latin",  # Cuban son trios; "trio" alone is an ensemble word
    "gospel antigas": OTHER,  # Brazilian evangelical music, filed with worship
    "groove room": OTHER,  # a Spotify micro-genre of unclear style: "groove" misleads
    "futurepop": "EDM",  # EBM-based synth music, despite the "-pop" ending
    "bitpop": "EDM",  # chiptune pop
    "steampunk": OTHER,  # a costume aesthetic, not a punk style
    "kaneka": "reggae",  # New Caledonian music built on reggae
    "chilena": "latin",  # a Mexican (Costa Chica) style; as a suffix it means "Chilean"
}

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("rock", "rock"),
    ("punk", "rock"),
    ("gaze", "rock"),
    ("grunge", "rock"),
    ("indie", "rock"),
    ("billy", "rock"),
    ("metal", "metal"),
    ("thrash", "metal"),
    ("grind", "metal"),
    ("pop", "pop"),
    ("schlager", "pop"),
    ("rap", "hip hop"),
    ("hop", "hip hop"),
    ("step", "EDM"),
    ("house", "EDM"),
    ("techno", "EDM"),
    ("trance", "EDM"),
    ("tronica", "EDM"),
    ("wave", "EDM"),
    ("grass", "country"),
    ("folk", "folk"),
    ("jazz", "jazz"),
    ("soul", "soul"),
    ("blues", "blues"),
    ("funk", "funk"),
    ("disco", "dance"),
    ("reggae", "reggae"),
    ("tango", "latin"),
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "&": ("and",),
    "n": ("and",),
    "hiphop": ("hip", "hop"),
    "rnb": ("r&b",),
    "lofi": ("lo", "fi"),
    "d&b": ("drum", "and", "bass"),
}
_DROP = re.compile(r"[^a-z0-9&+\s]")


def normalize(genre: str) -> str:
    """The canonical form of a genre name: "K-Pop " -> "k pop", "R & B" -> "r&b"."""
    text = unicodedata.normalize("NFKD", genre.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROP.sub(" ", text)
    tokens: list[str] = []
    for token in text.split():
        tokens.extend(_ALIASES.get(token, (token,)))
    joined = " ".join(tokens)
    return re.sub(r"\br and b\b", "r&b", joined)


def _table(*sources: dict[str, str]) -> dict[tuple[str, ...], str]:
    """Parse term tables; a term listed twice is a mistake in this file."""
    out: dict[tuple[str, ...], str] = {}
    for source in sources:
        for family, text in source.items():
            for term in text.split(","):
                key = tuple(normalize(term).split())
                if key in out:
                    raise ValueError(f"genre term {' '.join(key)!r} is listed twice")
                if key:
                    out[key] = family
    return out


_ALL_TERMS = _table(_STYLE_TERMS, _WEAK_TERMS)  # checks the two tables do not overlap
_STYLE = _table(_STYLE_TERMS)
_WEAK = _table(_WEAK_TERMS)
_CHILDREN = frozenset(word.strip() for word in _CHILDREN_WORDS.split(","))
_LONGEST = max(len(key) for key in _ALL_TERMS)


@dataclass(frozen=True)
class Decision:
    """Which family a name landed in, and by which rule."""

    genre: str
    normalized: str
    family: str
    rule: str  # "exception", "children", "head", "compound", "weak" or "fallback"
    term: str = ""

    def describe(self) -> str:
        """One line for people: ``'dance pop' -> pop (head term 'pop')``."""
        reasons = {
            "exception": "listed in EXCEPTIONS",
            "children": f"children's music ('{self.term}')",
            "head": f"head term '{self.term}': the rightmost style term wins",
            "compound": f"compound word '{self.term}' ends like a {self.family} term",
            "weak": f"only a weak term, '{self.term}' (instrument, ensemble or generic word)",
            "fallback": "no rule matched",
        }
        return f"'{self.genre}' -> {self.family} ({reasons[self.rule]})"


def _suffix_family(token: str) -> str | None:
    for suffix, family in _SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return family
    return None


@lru_cache(maxsize=1 << 15)
def decide(genre: str) -> Decision:
    """The family of one genre name, with the rule that decided it (see module docs)."""
    name = normalize(genre)
    if name in EXCEPTIONS:
        return Decision(genre, name, EXCEPTIONS[name], "exception", name)
    tokens = name.split()
    for token in tokens:
        if token in _CHILDREN:
            return Decision(genre, name, OTHER, "children", token)
    # (end, length, family, term, rule) of every match; max() picks the head
    strong: list[tuple[int, int, str, str, str]] = []
    weak: list[tuple[int, int, str, str, str]] = []
    for start in range(len(tokens)):
        for length in range(1, min(_LONGEST, len(tokens) - start) + 1):
            key = tuple(tokens[start : start + length])
            end, term = start + length, " ".join(key)
            if key in _STYLE:
                strong.append((end, length, _STYLE[key], term, "head"))
            elif key in _WEAK:
                weak.append((end, length, _WEAK[key], term, "weak"))
            elif length == 1 and (family := _suffix_family(key[0])) is not None:
                strong.append((end, length, family, term, "compound"))
    for matches in (strong, weak):
        if matches:
            _, _, family, term, rule = max(matches)
            return Decision(genre, name, family, rule, term)
    return Decision(genre, name, OTHER, "fallback")


def family_of(genre: str) -> str:
    """The family (one of ``FAMILIES``) of a fine genre name: "indie pop" -> "pop"."""
    return decide(genre).family


def explain(genre: str) -> str:
    """Why ``genre`` maps where it does, in one line."""
    return decide(genre).describe()


def families_of(genres: Iterable[str]) -> list[str]:
    """The distinct families of some genre names, in order of first appearance."""
    seen: dict[str, None] = {}
    for genre in genres:
        seen.setdefault(family_of(genre), None)
    return list(seen)


@dataclass(frozen=True)
class Coverage:
    """How a list of genre names spreads over the families."""

    counts: dict[str, int]  # every family, in FAMILIES order
    total: int
    unmapped: tuple[str, ...]  # the names that landed in "other", sorted

    @property
    def mapped_share(self) -> float:
        """The share of names landing in a family other than "other"."""
        return (self.total - self.counts[OTHER]) / self.total if self.total else 0.0


def coverage(genres: Iterable[str]) -> Coverage:
    """Count the families of ``genres`` (duplicates count each time)."""
    counts: Counter[str] = Counter()
    unmapped: set[str] = set()
    for genre in genres:
        family = family_of(genre)
        counts[family] += 1
        if family == OTHER:
            unmapped.add(genre)
    total = sum(counts.values())
    return Coverage({f: counts[f] for f in FAMILIES}, total, tuple(sorted(unmapped)))
