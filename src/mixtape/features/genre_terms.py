"""The hand-written tables behind :mod:`mixtape.features.families`: which words name
which genre family (the rules themselves, and why, are in that module's docstring and
``docs/genre-families.md``)."""

from __future__ import annotations

from mixtape.vocab import OTHER_FAMILY as OTHER

# Each table maps a family to its terms, separated by commas; a term of several
# words is a phrase.  Terms are normalized like names, so write them naturally.

#: Style terms: the rightmost one in a name decides (rule 3).
STYLE_TERMS: dict[str, str] = {
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
WEAK_TERMS: dict[str, str] = {
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
CHILDREN_WORDS = """
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

#: Word endings that make a compound word a style term of their family (rule 4):
#: "synthpop", "krautrock", "brostep".
SUFFIXES: tuple[tuple[str, str], ...] = (
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

#: Tokens read as others when a name is normalized ("&" and "'n'" as "and", "rnb" as
#: "r&b").
ALIASES: dict[str, tuple[str, ...]] = {
    "&": ("and",),
    "n": ("and",),
    "hiphop": ("hip", "hop"),
    "rnb": ("r&b",),
    "lofi": ("lo", "fi"),
    "d&b": ("drum", "and", "bass"),
}
