"""Word lists for attribution: reporting verbs, channels, pronouns and titles.

Kept apart from the matching logic so that the lists can be read and extended
in one place.
"""

from __future__ import annotations

# Verbs that report speech or writing; they attribute both quoted and reported content.
SPEECH_VERBS = frozenset(
    """
    say tell add write tweet post state declare announce explain note argue claim insist warn ask reply
    respond answer continue recall acknowledge admit concede suggest stress emphasize emphasise describe
    call label dub brand liken compare accuse criticize criticise praise blast slam urge promise pledge vow
    predict complain joke quip deny confirm report comment observe remark mention assert contend maintain
    conclude agree shout scream exclaim whisper testify reveal disclose caution boast repeat reiterate counter
    retort lament muse speculate allege charge demand recommend propose advise characterize characterise hail
    decry denounce condemn thunder rage snap fume chime interject gush concur proclaim affirm predict estimate
    opine posit reckon inform assure remind notify tout signal indicate point vent sneer scoff grumble
    """.split()
)

# Verbs of belief or thinking: they attribute reported content (a clause), never verbatim quotes alone.
THOUGHT_VERBS = frozenset("believe think feel fear hope expect doubt worry suspect know".split())

# Verbs whose object, when quoted, is what was said (mixed quotes: "called it 'ridiculous'").
NAMING_VERBS = frozenset("call label dub brand liken compare describe characterize characterise term".split())

# Nouns that name a communication ("in a statement", "in an interview with ...").
CHANNEL_NOUNS = frozenset(
    "statement interview post tweet letter email op-ed column video message speech press release broadcast".split()
)

# Social platforms and similar channels that a parser may not tag as organisations.
PLATFORMS = frozenset(
    """Instagram Twitter Facebook YouTube TikTok Snapchat Weibo Reddit LinkedIn Telegram WhatsApp Truth Social
    Threads Mastodon Bluesky""".split()
)

# Verbs that introduce the medium in "speaking to BBC News", "in an interview with CNN".
CHANNEL_VERBS = frozenset("speak talk tell write post tweet say interview appear broadcast".split())
CHANNEL_PREPS = frozenset("to on in with via through".split())

PERSON_PRONOUNS = frozenset("he she him her".split())
GROUP_PRONOUNS = frozenset("they them it we".split())
FIRST_PERSON = frozenset("i me".split())
PLURAL_PRONOUNS = frozenset("they them we".split())

# Things that a parser may take as the subject of a reporting verb but that cannot be a speaker
# ("The law says that ..."): the attribution keeps its source, the quote gets no speaker.
NON_SPEAKING_NOUNS = frozenset(
    """law rule code article act bill constitution regulation statute treaty clause loophole document text
    sign label page website headline chart table figure map""".split()
)

# Honorifics and role words stripped from a name before matching it to a full name.
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady president sen senator rep gov governor mayor minister
    secretary gen general judge justice rev pastor father mp chancellor king queen prince princess pope
    speaker chairman chairwoman chair ceo director""".split()
)
