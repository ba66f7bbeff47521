"""Invented names for demo artists, albums and tracks, drawn in bulk from word lists.

Names only need to look plausible and be reproducible; artist names are made
unique (two demo artists never share a name, so name-only sources cannot
merge them by mistake).
"""

from __future__ import annotations

import numpy as np

from mixtape.demo.taxonomy import FAMILIES


def _words(text: str) -> np.ndarray:
    return np.array(text.split("|"), dtype=object)


ADJ = _words(
    "Golden|Silver|Electric|Midnight|Velvet|Broken|Wild|Lonely|Neon|Crystal|Hollow|Burning|"
    "Silent|Restless|Sweet|Bitter|Blue|Crimson|Frozen|Faded|Lucky|Heavy|Gentle|Savage|Holy|"
    "Little|Endless|Secret|Paper|Glass|Iron|Stone|Cosmic|Northern|Southern|Lost|Hidden|Bright|"
    "Dark|Young|Old|Simple|Strange|Fading|Rising|Falling|Shining|Dancing|Drifting|Wandering|"
    "Sleepy|Hungry|Pretty|Ugly|Sacred|Wicked|Tender|Rusty|Dusty|Purple|Scarlet|Emerald|Amber|"
    "Ivory|Copper|Magnetic|Atomic|Digital|Analog|Lunar|Solar|Tropical|Arctic|Urban|Rural|"
    "Desert|Ocean|Summer|Winter|Autumn|Spring|Morning|Evening|Quiet|Loud|Slow|Fast|Cold|Warm|"
    "Easy|Heavenly|Infinite|Honest|Careless|Reckless|Fearless|Famous|Perfect|Modern|Ancient|"
    "Royal|Humble|Gold|Diamond|Radiant|Twisted|Borrowed|Stolen|Painted|Haunted|Sunlit|Moonlit"
)
NOUN = _words(
    "Heart|Night|Fire|River|Road|Dream|Light|Shadow|Rain|Storm|Star|Moon|Sun|Sky|Ocean|City|"
    "Highway|Garden|Mirror|Window|Door|Echo|Ghost|Angel|Devil|Wolf|Tiger|Lion|Crow|Raven|Dove|"
    "Rose|Lily|Thunder|Lightning|Wave|Tide|Mountain|Valley|Desert|Forest|Island|Harbor|Station|"
    "Train|Engine|Machine|Radio|Telephone|Letter|Promise|Secret|Memory|Season|Summer|Winter|"
    "Morning|Evening|Horizon|Avenue|Boulevard|Bridge|Tower|Castle|Kingdom|Empire|Paradise|"
    "Heaven|Hotel|Motel|Diner|Carnival|Circus|Parade|Revolution|Rebel|Outlaw|Stranger|Lover|"
    "Friend|Queen|King|Prince|Crown|Throne|Diamond|Pearl|Silver|Gold|Honey|Sugar|Whiskey|Wine|"
    "Coffee|Cigarette|Candle|Flame|Spark|Signal|Satellite|Rocket|Planet|Galaxy|Comet|Orbit|"
    "Voyage|Journey|Escape|Fever|Velvet|Glow|Pulse|Rhythm|Groove|Melody|Harmony|Chorus|Anthem|"
    "Ballad|Lullaby|Serenade|Symphony|Riddle|Mystery|Wonder|Miracle|Blessing|Sinner|Saint"
)
PLURAL = _words(
    "Hearts|Nights|Fires|Rivers|Roads|Dreams|Lights|Shadows|Stars|Wolves|Tigers|Lions|Crows|"
    "Ravens|Roses|Waves|Mountains|Kings|Queens|Rebels|Outlaws|Strangers|Lovers|Angels|Devils|"
    "Ghosts|Machines|Engines|Satellites|Rockets|Planets|Saints|Sinners|Brothers|Sisters|Kids|"
    "Boys|Girls|Horses|Foxes|Bears|Owls|Hawks|Sparrows|Pilots|Sailors|Drifters|Dreamers|"
    "Wanderers|Riders|Runners|Hunters|Thieves|Giants|Monsters|Vampires|Prophets|Pilgrims|"
    "Cowboys|Gentlemen|Ladies|Romantics|Mechanics|Electrics|Radios|Arrows|Bullets|Diamonds"
)
FIRST = _words(
    "James|John|Robert|Michael|David|William|Richard|Joseph|Thomas|Charles|Daniel|Matthew|"
    "Anthony|Mark|Steven|Paul|Andrew|Joshua|Kevin|Brian|George|Timothy|Ryan|Jacob|Gary|Nicholas|"
    "Eric|Jonathan|Justin|Samuel|Frank|Gregory|Benjamin|Patrick|Jack|Dennis|Tyler|Aaron|Henry|"
    "Adam|Nathan|Zachary|Kyle|Walter|Noah|Ethan|Jeremy|Christian|Keith|Roger|Terry|Sean|Austin|"
    "Arthur|Lawrence|Jesse|Dylan|Bryan|Joe|Jordan|Billy|Bruce|Albert|Willie|Gabriel|Logan|"
    "Alan|Juan|Wayne|Elijah|Randy|Roy|Vincent|Ralph|Eugene|Russell|Bobby|Mason|Philip|Louis|"
    "Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Lisa|Nancy|"
    "Betty|Sandra|Margaret|Ashley|Kimberly|Emily|Donna|Michelle|Carol|Amanda|Melissa|Deborah|"
    "Stephanie|Dorothy|Rebecca|Sharon|Laura|Cynthia|Amy|Kathleen|Angela|Shirley|Brenda|Emma|"
    "Anna|Pamela|Nicole|Samantha|Katherine|Christine|Helen|Debra|Rachel|Carolyn|Janet|Maria|"
    "Catherine|Heather|Diane|Olivia|Julie|Joyce|Victoria|Ruby|Grace|Lucy|Nina|Etta|Ella|Billie|"
    "Nora|Stella|Hazel|Iris|June|Mabel|Otis|Ray|Miles|Chet|Dizzy|Sonny|Muddy|Hank|Dolly|Loretta"
)
LAST = _words(
    "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|"
    "Martin|Jackson|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|King|Wright|"
    "Scott|Hill|Green|Adams|Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips|Campbell|"
    "Parker|Evans|Edwards|Collins|Stewart|Morris|Rogers|Reed|Cook|Morgan|Bell|Murphy|Bailey|"
    "Cooper|Richardson|Cox|Howard|Ward|Peterson|Gray|James|Watson|Brooks|Kelly|Sanders|Price|"
    "Bennett|Wood|Barnes|Ross|Henderson|Coleman|Jenkins|Perry|Powell|Long|Patterson|Hughes|"
    "Washington|Butler|Simmons|Foster|Bryant|Alexander|Russell|Griffin|Hayes|Myers|Ford|"
    "Hamilton|Graham|Sullivan|Wallace|Woods|Cole|West|Jordan|Owens|Reynolds|Fisher|Ellis|"
    "Harrison|Gibson|McDonald|Cruz|Marshall|Wells|Webb|Simpson|Stevens|Tucker|Porter|Hunter|"
    "Hicks|Crawford|Henry|Boyd|Mason|Kennedy|Warren|Dixon|Burns|Gordon|Shaw|Holmes|Rice|Hunt|"
    "Black|Daniels|Palmer|Mills|Nichols|Grant|Knight|Ferguson|Stone|Hawkins|Dunn|Hudson|Spencer"
)
LATIN_FIRST = _words(
    "José|Luis|Carlos|Juan|Miguel|Jorge|Pedro|Alejandro|Fernando|Ricardo|Diego|Javier|Rafael|"
    "Andrés|Pablo|Sergio|Mateo|Santiago|Camilo|Daddy|Don|Maria|Ana|Lucia|Sofia|Valentina|"
    "Camila|Gabriela|Isabella|Paula|Daniela|Carmen|Rosa|Elena|Natalia|Celia|Selena|Karol|Ivy"
)
LATIN_LAST = _words(
    "García|Rodríguez|Martínez|Hernández|López|González|Pérez|Sánchez|Ramírez|Torres|Flores|"
    "Rivera|Gómez|Díaz|Reyes|Morales|Cruz|Ortiz|Gutiérrez|Chávez|Ramos|Ruiz|Mendoza|Álvarez|"
    "Castillo|Jiménez|Vargas|Romero|Herrera|Medina|Aguilar|Vega|Molina|Delgado|Navarro|Rojas|"
    "Bravo|Fuentes|Montero|Salazar|Estrada|Cordero|Luna|Paz|Del Río|Villa|Cabrera|Duarte"
)
SYLLABLES = _words(
    "ka|lo|ri|zen|tor|mi|va|nex|sa|ro|li|an|el|da|vi|no|ma|ky|ra|zo|te|lu|ne|sy|ve|ko|"
    "ix|ar|on|is|ae|ul|ev|om|ay|ben|dor|fin|gal|hal|jun|kor|lan|mer|nor|pal|quin|sol|tal|vex"
)
ENSEMBLE = _words("Trio|Quartet|Quintet|Sextet|Orchestra|Big Band|Ensemble|Group|Band")
ORCHESTRA = _words(
    "Berlin|Vienna|London|Boston|Chicago|Prague|Leipzig|Dresden|Budapest|Oslo|Helsinki|"
    "Amsterdam|Paris|Milan|Tokyo|Montreal|Sydney|Cleveland|Philadelphia|Munich"
)
TAILS = _words(
    "Tonight|Forever|Again|Away|Tomorrow|in the Dark|on Fire|at Midnight|in Love|on the Run|"
    "Gone|Alone|Together|Home|Down|Up|Outside|Inside|Slowly|Blue|Young|Free|Again and Again"
)
VERBS = _words(
    "Hold|Take|Leave|Call|Save|Kiss|Tell|Show|Find|Keep|Want|Need|Chase|Love|Miss|Burn|Break|"
    "Wake|Carry|Follow|Bring|Let|Give|Meet|Catch|Free|Drive|Dance|Shake|Move"
)
OBJECTS = _words("Me|You|It|Us|Them|Her|Him|My Heart|Your Love|the Night|the Light|Me Home")
ALBUM_STOCK = _words(
    "Greatest Hits|Live|Deluxe Edition|The Collection|Anthology|B-Sides|Demos|Sessions|"
    "Unplugged|Remixes|Volume One|Volume Two|Volume III|Acoustic|The Early Years|Essentials"
)

_FAMILY = {name: i for i, name in enumerate(FAMILIES)}


def _pick(rng: np.random.Generator, words: np.ndarray, n: int) -> np.ndarray:
    return words[rng.integers(0, len(words), n)]


def _coined(rng: np.random.Generator, n: int, parts: int = 2) -> list[str]:
    """Made-up words from syllables: "Kalori", "Vexon"."""
    pieces = [_pick(rng, SYLLABLES, n) for _ in range(parts)]
    extra = rng.random(n) < 0.4
    third = _pick(rng, SYLLABLES, n)
    return [
        ("".join(p) + (t if e else "")).capitalize()
        for *p, t, e in zip(*pieces, third, extra, strict=True)
    ]


def _candidates(rng: np.random.Generator, family: np.ndarray) -> list[str]:
    """One name per artist in a style that suits the artist's family."""
    n = len(family)
    adj, noun, plural = _pick(rng, ADJ, n), _pick(rng, NOUN, n), _pick(rng, PLURAL, n)
    first, last = _pick(rng, FIRST, n), _pick(rng, LAST, n)
    lfirst, llast = _pick(rng, LATIN_FIRST, n), _pick(rng, LATIN_LAST, n)
    coined, coined2 = _coined(rng, n), _coined(rng, n, 1)
    ensemble, city = _pick(rng, ENSEMBLE, n), _pick(rng, ORCHESTRA, n)
    style = rng.random(n)
    fam = {name: family == i for name, i in _FAMILY.items()}
    out: list[str] = []
    for i in range(n):
        s = style[i]
        if fam["hip hop"][i]:
            prefix = ("Lil ", "Young ", "MC ", "", "", "Big ")[int(s * 6)]
            name = prefix + (coined[i] if s < 0.75 else f"{first[i]} {coined2[i]}")
        elif fam["EDM"][i] or (fam["dance"][i] and s < 0.5):
            name = (
                ("DJ " + coined[i]) if s < 0.2 else coined[i] if s < 0.7 else f"{adj[i]} {noun[i]}"
            )
        elif fam["latin"][i]:
            name = f"{lfirst[i]} {llast[i]}" if s < 0.75 else f"Los {plural[i]}"
        elif fam["jazz"][i]:
            name = f"{first[i]} {last[i]}"
            name += f" {ensemble[i]}" if s < 0.35 else ""
        elif fam["other"][i] and s < 0.3:
            name = f"{city[i]} Symphony Orchestra" if s < 0.1 else f"{first[i]} {last[i]}"
        elif fam["rock"][i] or fam["metal"][i] or fam["reggae"][i] or fam["funk"][i]:
            name = (
                f"The {adj[i]} {plural[i]}"
                if s < 0.45
                else f"{adj[i]} {noun[i]}"
                if s < 0.7
                else f"{noun[i]} {plural[i]}"
                if s < 0.85
                else f"{first[i]} {last[i]}"
            )
        else:  # singers: pop, country, folk, blues, soul, the rest
            name = f"{first[i]} {last[i]}" if s < 0.8 else f"The {plural[i]}"
        out.append(name)
    return out


def artist_names(rng: np.random.Generator, family: np.ndarray) -> list[str]:
    """Unique, family-flavoured artist names (case-insensitively unique)."""
    names = _candidates(rng, family)
    seen: set[str] = set()
    todo: list[int] = []
    for i, name in enumerate(names):
        folded = name.casefold()
        if folded in seen:
            todo.append(i)
        else:
            seen.add(folded)
    while todo:  # re-draw clashes with longer coined surnames until all are unique
        retry = _coined(rng, len(todo), 3)
        left = []
        for i, coined in zip(todo, retry, strict=True):
            name = f"{names[i].split(' ')[0]} {coined}"
            if name.casefold() in seen:
                left.append(i)
            else:
                seen.add(name.casefold())
                names[i] = name
        todo = left
    return names


def track_names(rng: np.random.Generator, n: int) -> list[str]:
    """Song titles: "Golden Heart", "Hold Me Tonight", "River of Dreams", ..."""
    adj, noun, noun2 = _pick(rng, ADJ, n), _pick(rng, NOUN, n), _pick(rng, PLURAL, n)
    verb, obj, tail = _pick(rng, VERBS, n), _pick(rng, OBJECTS, n), _pick(rng, TAILS, n)
    style = (rng.random(n) * 8).astype(np.int8)
    forms = (
        lambda i: f"{adj[i]} {noun[i]}",
        lambda i: str(noun[i]),
        lambda i: f"{verb[i]} {obj[i]}",
        lambda i: f"{verb[i]} {obj[i]} {tail[i]}",
        lambda i: f"{noun[i]} of {noun2[i]}",
        lambda i: f"{adj[i]} {noun2[i]}",
        lambda i: f"{noun[i]} {tail[i]}",
        lambda i: f"{adj[i]}",
    )
    return [forms[s](i) for i, s in enumerate(style.tolist())]


def album_names(rng: np.random.Generator, n: int, artist: list[str]) -> list[str]:
    """Album titles; a few are self-titled or stock ("Greatest Hits")."""
    adj, noun, plural = _pick(rng, ADJ, n), _pick(rng, NOUN, n), _pick(rng, PLURAL, n)
    stock = _pick(rng, ALBUM_STOCK, n)
    style = rng.random(n)
    out = []
    for i, s in enumerate(style.tolist()):
        if s < 0.06:
            out.append(artist[i])
        elif s < 0.12:
            out.append(str(stock[i]))
        elif s < 0.55:
            out.append(f"{adj[i]} {noun[i]}")
        elif s < 0.8:
            out.append(f"{adj[i]} {plural[i]}")
        else:
            out.append(f"{noun[i]} and {plural[i]}" if s < 0.9 else str(noun[i]))
    return out
