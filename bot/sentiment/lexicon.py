"""Word lists and patterns (English and Chinese) behind the sentiment signals.

General wording of shoppers and support chats, not the project's own examples. Rules that
decide on their own (abuse, asking for a person) favour precision: they list unambiguous
wording and exclude the common innocent uses ("a stupid question", "垃圾袋", "滚筒").
"""

from __future__ import annotations

import re

I = re.I  # noqa: E741

# -- abuse: profanity and insults aimed at someone ----------------------------------------
# Words that are also names, places and products ("Dickens Road", "Crook Lane", "Arsenal",
# "clown costume", "jerk seasoning", "April fools", "flame retardant", "Fukuoka") count only
# when aimed at someone: "you clowns", "bunch of crooks", "what a joke of a company".
_AT = r"(you|you'?re|you are|are you|ur|u r|u|such|what|bunch of|load of|pack of|band of)"
_AIMED = (
    r"clowns?|fools?|jerks?|crooks?|thie(f|ves)|liars?|scammers?|pigs?|muppets?|losers?|"
    r"pricks?|dicks?|vermin|worthless|frauds?|cowboys"
)
_SCORN = (
    r"fucking|effing|bloody|total|complete|absolute|utter|useless|pathetic|incompetent|"
    r"dirty|greedy|lying|thieving|cheating|scamming|stupid|little|bunch of"
)
ABUSE_EN = re.compile(
    r"\b(f+[u*@#]+c+k+\w*|f\*+k?\w*|fck\w*|fuk(ing|ed|in|er)?|motherf\w+|"
    r"sh[i!1*]t+(s|ty|head|heads|hole|show)?|bullsh\w*|b[i!1*]tch\w*|a[s$*]{2}hole\w*|"
    r"arse(hole)?s?|bastard\w*|dick ?heads?|douche(bag)?s?|crap(py|s)?|wtf|stfu|gtfo|ffs|"
    r"piss off|bollocks|cunts?|twats?|wank(er|ers|ing)?|tossers?|bugger (off|this|you)|"
    r"effing|f-?ing|fkn|fking|friggin\w*|goddamn\w*|dammit|jackass\w*|dipshit\w*|"
    r"numbskull\w*|(half|nit|dim)wit\w*|dunces?|cretin\w*|scum(bags?)?|brainless|"
    r"clueless (idiot|moron|bot|people)|kiss my (ass|arse)|shove it|get lost|drop dead|kys|"
    r"kill yourself|(you'?re|you are|ur|u r) (a )?(trash|garbage)|idiot(?!-proof)\w*|"
    r"moron\w*|imbecile\w*|retard(s|ed)?|dumb ?ass\w*|dumb(est)?(?! question)|"
    r"stupid(?! question)(?! of me)(?! me\b)|brain[- ]?dead|numpty|pillock|prat|get stuffed|"
    r"sod off|suck my|up yours|a-?hole|"
    r"(is|are|'re) (total |complete |absolute )?(trash|garbage|crap)|"
    r"" + _AT + r" (a |an |bunch of )?((" + _SCORN + r") )?(" + _AIMED + r")|"
    r"shut up|screw (you|off|u)|go to hell|you suck|"
    r"sucks ass|piece of (junk|garbage|trash|crap|s\W*t)|garbage (bot|service|store|company)|"
    r"(trash|pathetic|useless) (bot|service|store|company|people)|"
    r"bloody (useless|hell|idiot\w*))\b",
    I,
)
ABUSE_ZH = re.compile(
    r"傻[逼bB比X叉]|傻子|傻瓜|[你是]傻|\b[sS][bB]\b|蠢|垃圾(?![袋桶箱分])|废物|他妈(?!妈)|(?<![我她他妈姨舅姑奶婆])妈的|tmd|TMD|"
    r"nmsl|[尼你]玛|滚(?![筒轮动珠])|脑残|白痴|弱智|骗子|混蛋|王八|智障|去死|操你|[卧我]操|"
    r"(你|你们)(是不是)?有病|有病吧|神经病|笨蛋|狗屎|狗东西|犯贱|贱人|畜生|闭嘴|沙雕|二货|蠢货|煞笔|草泥马|cnm|CNM|妈蛋|狗日|"
    r"废柴|饭桶|你是猪|人渣|辣鸡|无耻|不要脸|吃屎|放屁|扯淡|扯蛋|有毛病|缺心眼|脑子进水|眼瞎|瞎了|"
    r"耳聋|死全家|恶心人|你妈(?!妈)|狗屁|去你的|该死|混账|你(的)?(脑子|智商)"
)

# -- asking for a person -------------------------------------------------------------------
# A request aimed at a person of the store (to speak to one, be passed to one, be called by
# one, the store's own phone line), not a mention: "your staff were kind", "the manager at
# your Leeds shop said...", "read me the customer's phone number", "the phone number on it".
_PERSON = (
    r"(a |an |the |your |some |one of your |a member of )?(real |actual |live |human )?(human|"
    r"person|people|someone|somebody|agent|rep|representative|manager|supervisor|staff|team|"
    r"operator|employee|customer (service|support|care)( team| rep| agent)?|"
    r"support( team| agent| staff)?|boss|colleague|specialist|helpdesk|help desk|service desk|"
    r"someone in charge|anyone|member of (staff|your team|the team|your staff))"
)
_SOMEONE = (
    r"(a |an |the |some |your |a real |an actual )?(human|person|someone|somebody|agent|"
    r"representative|rep|manager|supervisor|operator)\b(?!'s)"
)
_STORE_LINE = (
    r"((your( [\w-]+){0,2}|(customer|client) (service|support|care)|support|contact|store|shop|"
    r"office) (phone|telephone) (number|line)|"
    r"(is there|do you have|have you got|got|give me|send me) (a|any) "
    r"(phone|telephone) (number|line)|phone (support|line)|helpline|hotline|"
    r"(phone|telephone) number (for|of) (you|your|the (store|shop|company)|"
    r"customer (service|support|care)|support))(?!\s*(is|:|-)?\s*[+(\d])"
)
HUMAN_EN = re.compile(
    r"\b(real (person|human|people)|actual (person|human)|live (agent|person|chat|support|"
    r"rep\w*)|human (agent|being|support|please|needed)|"
    r"(speak|talk|chat|connect me|put me through|put me in touch|transfer me|pass me|hand me|"
    r"hand (this|it) over|escalate (this|me|it)|forward me|send me|switch me|get me|reach)"
    r"( to| with| through to| over to| back to)? " + _PERSON + r"|"
    r"((i|we) (need|want|would like|'d like)|(can|could|may) (i|we) (have|get)|give me|get me|"
    r"bring me|(can|could|would|will) you (get|find|bring|send)( me)?|"
    r"(^|please |pls |just )(get|find|bring)) " + _SOMEONE + r"|"
    r"(have|get|can|could) (someone|somebody|a person|an agent) (call|contact|email|phone|"
    r"ring|help) me|(someone|somebody|a person|an agent|a manager|a member of (staff|your team)|"
    r"your (team|staff|store|shop|office|people)|you guys|the (store|shop|team))"
    r"( [\w'-]+){0,4} (to )?(call|contact|email|phone|ring|get back to|reach out to) me\b|"
    r"(no more|stop the|not a|(don'?t|do not) want (a|the|to talk to a)) (bot|robot|"
    r"machine|ai)s?|anyone (real |human )?(there|available)|escalate|call ?back|"
    + _STORE_LINE
    + r"|number (i|to) (can )?call|can i (call|ring) you|"
    r"(need|want|get|can|could|will|would|please|let|have) (someone|somebody|a person|a human|"
    r"an agent|a manager|your staff|staff) (to )?(take over|step in|join|look into|handle)|"
    r"(?<!n't )(?<!not )(call|ring|phone) me( back| on| at| please| asap| now| today| tomorrow|"
    r"\W*$)|contact me (back|by phone|directly)|"
    r"^\W*(agent|human|representative|operator|person)\W*(please|pls|now)?\W*$|"
    r"(agent|human|representative|operator),? (please|pls|now)|"
    r"someone (real|who (actually )?knows|from your team|i can talk to|to help me)|"
    r"(is there|are there|any) (a |an )?(human|person|people|agent|one|someone|anyone) "
    r"(available|i can|to talk|there))\b",
    I | re.M,
)
HUMAN_NOT_EN = re.compile(
    r"\b(don'?t|do not|no need (for|to)|not) (need |want |ask(ing)? for |talk to |speak to )?"
    r"(a |an )?(human|person|agent|manager)",
    I,
)
_STAFF_ZH = r"(人工|真人|客服|经理|主管|专员|负责人|工作人员|同事|上级|领导|老板|接线员)"
HUMAN_ZH = re.compile(
    r"人工(?!费|智能|成本|合成|皮|湖|草|降雨|养殖|呼吸|染色|培育)|真人(?!版|秀|皮|大小|尺寸|图|照|实拍|"
    r"试穿|模特)|活人|转接(?!头|线|器|口|板)|转(给|到)?(你们的?)?" + _STAFF_ZH + r"|"
    r"(找|叫|换|请|让|喊|联系|接|要)(一下|一个|个|下)?(你们|您们)?的?" + _STAFF_ZH + r"|"
    r"(你们|您们)的?(经理|主管|领导|负责人|老板|工作人员)(呢|在哪|在吗|出来|来)|"
    r"(经理|主管|负责人|领导|工作人员|专员|老板)(来|出来|跟我|和我|联系我|给我回电|给我打电话)|"
    r"(和|跟|与|同)(你们|您们)?的?(客服)?" + _STAFF_ZH + r"(谈|聊|说|讲|沟通|通话|联系|对话)|"
    r"找个(懂的|会的|懂行的|明白的|真人|人)|换个人|(懂行|懂|会)的人(来|吗|呢|跟我|和我|处理)|"
    r"有人吗|有人在吗|有没有人(在|回|管|理|能|处理|接)|"
    r"不要(机器人|机器)|别用机器人|不想(跟|和)机器人|"
    # a call asked for ("请给我回个电话"), not one reported ("快递小哥给我打电话说...")
    r"(请|麻烦|让|叫|希望|能不能|能否|可以|可不可以|尽快|马上|赶紧)[^，。！？,.!?]{0,8}"
    r"(给我(回电|回个电话|打电话|打个电话)|打个?电话给我|回电话给我)|"
    r"(^|[，。！？,.!?\s])(给我(回电|回个电话)|回电话给我)|"
    r"(给|跟)(你们|客服)打电话|打电话给(你们|客服|人工)|"
    # the store's number asked for ("商家电话多少"), not mentioned ("商家电话打不通")
    r"客服电话|(你们|商家|店铺|店家|官方|人工)的?(联系|服务|客服)?电话(号码)?"
    r"(是|多少|呢|给我|发我|在哪|吗|？|\?|$)|"
    r"(给我|发我|告诉我|求)(一下|个)?(你们|商家|店铺|店家|官方|人工)?的?(联系|服务|客服)?电话|"
    r"热线|有没有(客服)?电话|有(客服)?电话吗|电话(可以|能)打"
)
HUMAN_NOT_ZH = re.compile(r"不(用|需要)(转)?(人工|真人)")

# -- strong dissatisfaction ---------------------------------------------------------------
STRONG_EN = re.compile(
    r"\b(ridiculous|unacceptable|terrible|horrible|awful|appalling|atrocious|disgust\w*|"
    r"outrage\w*|worst|furious|livid|angry|pissed|mad at|hate|nightmare|disaster|joke|"
    r"rubbish|pathetic|useless|worthless|pointless|hopeless|incompetent|unprofessional|"
    r"frustrat\w*|fed up|sick (of|and tired)|tired of|had enough|done with|beyond annoyed|"
    r"(extremely|very|so|really|deeply|totally) (disappointed|unhappy|annoyed|upset)|"
    r"not (good enough|acceptable|ok(ay)?|helpful|listening|reading)|no help|"
    r"(doesn'?t|does not|didn'?t|did not|won'?t|isn'?t|not) (help\w*|answer\w*)|"
    r"wast(e|ed|ing) (of )?(my |an? )?(time|hour|day|money)|scam\w*|rip-?off|ripped off|"
    r"lied|lying|liars?|lies to|ignor(ed|ing)|excuses|(nobody|no one) (ever )?(is |has |will |"
    r"seems |"
    r"cares|helps|answers|replie|respond|got back|bother)|"
    r"never (again|ordering|buying|shopping)|"
    r"(one|1)[- ]star|bad review|report (you|this)|chargeback|charge ?back|"
    r"lawyer|legal action|sue|bbb|trading standards|consumer protection|"
    r"cancel (everything|my account)|"
    r"unbelievable|seriously|are you (kidding|serious|joking|even)|you'?re kidding|"
    r"give me a break|come on(?=\s*[!,.?]|\s*$)|ugh+|smh|ffs|argh+|"
    r"going (in|round in) circles|going nowhere|same (thing|answer|reply)|keep (telling|"
    r"saying|getting|asking|sending)|over and over|"
    # "how many times can I exchange it?" is a question, not exasperation
    r"how many (more )?times (do|must|have|should|will|am|did|does) (i|we|you|it)|"
    r"(second|third|fourth|fifth|\d+(st|nd|rd|th)) time|"
    r"(several|so many|many|multiple|countless|\w+) times (already|now|before|today)|"
    r"not happy|very poor|poor (service|quality|support)|shocking|disgrace\w*|embarrassing|"
    r"absurd|insane|infuriat\w*|irritat\w*|aggravat\w*|fuming|enough is enough|last chance|"
    r"this is the last time|(take|taking) my (business|money) elsewhere|go(ing)? elsewhere|"
    r"regret\w*|"
    r"what'?s the point|why (can'?t|won'?t|don'?t|do) you|can ?not believe|can'?t believe|"
    r"i demand|misl(ed|eading)|false advertising|cheat\w*|you (said|told me|"
    r"promised)|(not )?how you treat|los(e|ing) (my )?patience|out of patience|patience is|"
    r"different (story|answer)|(do|don'?t) you (even |actually )?care|(nobody|no one) cares|"
    r"shambles|fiasco|farce|what a mess|total mess|ruin(ed|s|ing)?|avoid (this|your)|warn (others|"
    r"everyone|people)|telling everyone|"
    r"robbed|stole\w*|formal complaint|"
    r"(formal|official) complaint|complain(ing)? (to|about) (you|your)|you'?re useless|"
    r"(do|don'?t) you (even )?understand|"
    r"you have no idea|clueless|i'?m done|i give up|forget it|"
    r"(still|again) (broken|wrong|nothing|missing)|nothing (has )?(happened|changed))\b",
    I,
)
STRONG_ZH = re.compile(
    r"不满|生气|气死|愤怒|火大|太差|很差|真差|差劲|糟糕|太慢|(太|很|非常|真)失望|离谱|无语|搞什么|"
    r"怎么回事|到底|又是|又来|还是没|已经说了|说过了|"
    r"说了.{0,3}[遍次]|问了.{0,3}[遍次]|第[二三四五]次|多少次|好几次|几遍|没用(?![过完掉上到])|听不懂|看不懂|"
    r"人话|答非所问|投诉|差评|骗|坑|烦死|受不了|什么破|破(店|东西|玩意|网站|机器人|客服|公司|服务)|"
    r"怎么还|为什么还|"
    r"一直(没|不|让|在等|都)|等了(很久|好久|.{1,3}[天周月])|没人(管|理|回)|敷衍|过分|服了|恶心|"
    r"再也不|拒付|报警|律师|消协|工商|12315|根本|废话|搞笑|开玩笑|认真点|算什么|"
    r"能不能(快点|认真|好好|别|给个准话|有点用)|"
    r"不负责|欺负|忽悠|坑爹|气人|崩溃|绝望|浪费(我的)?时间|什么玩意|呵呵|扯|黑店|骗钱|人呢|"
    r"怎么搞的|搞什么鬼|什么情况|一点用|不靠谱|太坑|太烂|最差|(无法|不能|不可)接受|不像话|"
    r"岂有此理|欺骗|虚假|忍无可忍|受够|够了|别再|不想再|说法|这么久|说好的|这样对待|就这样|"
    r"耐心|不满意|"
    # "一个月" alone is a duration ("can I return it within a month?"); waited one is not.
    r"(等|拖|过|快|都|已经)了?一个(星期|礼拜|月)|一个(星期|礼拜|月)(了|还|都)|推来推去|踢皮球|(不|没)回复|石沉大海|不理|催了|急死|郁闷|心累|醉了|"
    r"真的是"
)

# -- mild dissatisfaction (disappointed, but accepting) -----------------------------------
# Hedges ("kind of", "a bit", "I guess", "rather", "hoping to") are everyday speech, not
# disappointment: they are not listed.
MILD_EN = re.compile(
    r"\b(disappoint\w*|let ?down|not ideal|shame|pity|bummer|unfortunate(ly)?|"
    r"had hoped|hoped (for|it|that)|expected (more|better|a bit)|than i (hoped|expected|"
    r"thought)|not (thrilled|impressed|great|happy|pleased|amazing)|meh|oh well|"
    r"hassle|inconvenien\w*|annoy\w*|too bad|i wish|wish (it|you|there)|longer than|"
    r"slower than|pricier|(but|though),? (fine|ok(ay)?|alright|whatever|i'?ll (manage|live|wait|"
    r"keep))|bit (of a|pricey|slow|long|small|thin)|could (be|have been) better|underwhelm\w*|"
    r"not the best|i'?d hoped|just ok(ay)?|so-so|not quite|sad(ly)?|oh no|pricey|"
    r"(too|so|quite|very|rather|bit) (expensive|steep)|seems (long|like a lot|slow|high)|"
    r"that'?s a lot|quite (long|slow)|i'?ll live|it is what it is|will have to do|"
    r"not (really|exactly) what)\b",
    I,
)
MILD_ZH = re.compile(
    r"(有点|有些|有一点)(儿)?(失望|慢|久|贵|麻烦|遗憾|不满|不爽|郁闷|差|烦|坑|无语|不方便|难|"
    r"不太|不够|不如|薄|旧|脏|瑕疵)|可惜|遗憾|凑合|算了|不太满意|一般般|本来(希望|以为|想)|还行吧|也行吧|好吧|"
    r"不过(也|还)?(行|好|可以)|(太|好|很|真|挺|比较)麻烦|失望|不太(满意|好|行|喜欢|舒服|理想|开心|高兴)|"
    r"略(微|显|贵|小|大|慢|差|薄)|希望.{0,6}[快好]|一般般|(很|太|比较|质量|做工|味道|效果|服务|口味)一般|一般吧|"
    r"没那么|不如(想象|预期|之前|以前|上次|图片|描述|宣传)|"
    r"跟想象|和想象|差一点|还可以吧|将就|勉强|偏贵|太贵|贵了|慢了点|久了点"
)

# -- calm, positive, negated negatives -----------------------------------------------------
NEGATED_NEG_EN = re.compile(
    r"\b((not|never|no|nothing|isn'?t|wasn'?t|aren'?t|hardly)( at all)? (that |so |too |really )?"
    r"(bad|unhappy|upset|angry|disappointed|mad|wrong|a problem|an issue|worried|bothered|"
    r"complain\w*|big deal|rush|hurry)|no (complaints|problem|problems|worries|big deal|rush|"
    r"issue|stress)|can'?t complain|don'?t worry|nothing wrong|no harm done|"
    r"my (bad|fault|mistake|error)|sorry,? my|silly me|stupid me|my own fault)\b",
    I,
)
NEGATED_NEG_ZH = re.compile(
    r"不错|没问题|没关系|不要紧|不着急|不急|没事|挺好|还好|不麻烦|不介意|不(是很|太)?(生气|失望|怪你)|"
    r"不用了|没(有)?不满|我(自己)?(输|写|填|打|搞|弄|选|看)错了?|是我的问题|我的错|怪我"
)
# -- problem reports and urgency: a fault to fix, not by itself an unhappy shopper ---------
PROBLEM_EN = re.compile(
    r"\b((doesn'?t|does not|didn'?t|did not|won'?t|isn'?t|not|stopped) work\w*|broke\w*|"
    r"damaged|defective|faulty|cracked|torn|ripped|scratched|dented|missing|leak\w*|"
    r"wrong (item|size|colou?r|order|product|one|address)|(haven'?t|hasn'?t|never|not|didn'?t) "
    r"(yet )?(got|get|received?|arrived|come|came|shown up|been (delivered|refunded))|"
    r"still waiting|no (reply|response|update|tracking)|(days|weeks|months) ago|forever|ages|"
    r"late|delay\w*|lost|immediately|right now|asap|urgent\w*|hurry|as soon as possible|"
    r"it'?s been (\d+|a|two|three|four|five|several|many) (days|weeks|months))\b",
    I,
)
PROBLEM_ZH = re.compile(
    r"坏了|坏的|破了|破损|裂|少了|漏发|发错|错了|不能用|用不了|没收到|未收到|还没(到|收到|退|处理|解决|发|回)|"
    r"丢了|丢件|延迟|晚了|慢|急|尽快|马上|立刻|赶紧|半个月|几天了|好几天|都.{0,4}(天|周|星期|月)了"
)
THANKS = re.compile(
    r"\b(thanks?|thank you|thx|ty|cheers|appreciate\w*|perfect|awesome|great|wonderful|"
    r"excellent|lovely|brilliant|helpful|love|amazing|fantastic|good job|well done)\b|"
    r"谢谢|感谢|多谢|太好了|很好|好评|赞|辛苦|满意",
    I,
)
NOT_SATISFIED_ZH = re.compile(r"不满意|不太满意|不怎么满意")

# -- what the shopper says about the bot's answer -----------------------------------------
CORRECTION_EN = re.compile(
    r"\b(that'?s not what i|not what i (asked|said|meant|wanted)|i (asked|said|meant|wrote) "
    r"(about|for|the|that|it|my)?|i didn'?t ask|you misunderstood|you got it wrong|wrong "
    r"(again|answer)|not (the|my|that) (question|one)|no,? (that'?s not|not that)|"
    r"read my (message|question)|i already (told|said|gave|asked|sent|explained)|"
    r"(answer|listen to) (my|the) question|that'?s not (it|right|true|correct|what))",
    I | re.M,
)
CORRECTION_ZH = re.compile(
    r"不是.{0,12}(我说|我问|是)|我问的是|我说的是|你没看|看清楚|没看懂我|我的意思是|"
    r"(说|答|回答|理解)的?不对|不对不对|这不对吧|"
    r"(你|您)(说|答|搞|弄|回答)?错了|"
    r"不是这个|答非所问"
)
FAILED_REPLY = re.compile(
    r"don'?t (have|know)|do not (have|know)|not sure|couldn'?t find|could not find|unable to|"
    r"can'?t (help|find|answer)|no (information|results|answer)|i'?m afraid i|not certain|"
    r"rather not guess|"
    r"没有找到|没找到|不太确定|不确定|无法回答|不知道|暂时无法|没有相关",
    I,
)
THREAT_EN = re.compile(
    r"\b(chargeback|charge ?back|dispute (it|this|the charge) with (my|the) bank|lawyer|"
    r"legal action|sue|bbb|report (you|this|your)|(bad|negative|terrible|1-star|one-star) review|"
    r"cancel (everything|my account)|never (again|ordering|buying))\b",
    I,
)
THREAT_ZH = re.compile(r"拒付|报警|律师|消协|工商|12315|差评|投诉|再也不|曝光")
# "Can I still change it?" and "I ordered it last week" are not waiting; "still nothing" is.
WAITING_EN = re.compile(
    r"\b(still (not|no|nothing|haven'?t|hasn'?t|didn'?t|don'?t|doesn'?t|isn'?t|aren'?t|"
    r"wasn'?t|can'?t|won'?t|waiting|broken|wrong|missing|the same|unresolved)|already|yet|"
    r"again|(\d+|two|three|four|several|many) (days|weeks|months|hours|times)|since)\b",
    I,
)
WAITING_ZH = re.compile(r"还是|还没|已经|又|一直|[两三四五几\d]+[天周次遍个]|上周|至今")
EMOJI_NEG = re.compile("[\U0001f620-\U0001f62f\U0001f92c\U0001f644\U0001f612\U0001f44e\U0001f4a2]")
EMOJI_POS = re.compile("[\U0001f600-\U0001f60f\U0001f642\U0001f44d\U0001f64f\u2764\U0001f970]")
OFFERED_HUMAN = re.compile(
    r"connect you (with|to) (a |an )?(member of our team|human|person|agent|colleague)|"
    r"talk to (a member of )?our team|转接人工|转人工|人工客服",
    I,
)
# Turning the offered person down: "no thanks", "ok thanks, leave it for now", 不用了.
DECLINE = re.compile(
    r"^\W*(?:no|nope|nah|not now|no need|never ?mind|no worries|don'?t worry|"
    r"(?:it'?s|that'?s) (?:fine|ok|okay|alright))\b"
    r"|\b(?:no thanks|no thank you|leave it|for now|i'?ll (?:wait|check|sort it|keep|leave|"
    r"try|manage|think)|let me think)\b|不用|不需要|不要了|算了|先不|没事|没关系|不必|再想想|考虑",
    I,
)
AFFIRM = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|ok(ay)?|please|pls|do it|go ahead|yes please|please do|"
    r"好的?|好吧|是的?|要|需要|可以|行|嗯)\W*(please|pls|thanks|thank you|谢谢|吧|的)?\W*$",
    I,
)
QUESTION = re.compile(
    r"[?？]|^\W*(how|what|when|where|which|who|why|is|are|can|could|do|does|did|will|would|"
    r"should|may|any)\b|吗|呢|怎么|什么|多久|多少|哪|几[天个号]|是否|能不能|可不可以|有没有",
    I,
)
ABUSE_SELF = re.compile(
    r"\b(i'?m|i am|i'?m not|am i) (not )?(a |an )?(complete |total )?(idiot|stupid|moron|fool|dumb)"
    r"\w*|silly me|stupid me",
    I,
)

# A message that is only an answer word ("no", "ok", "hmm", 嗯, 不是): it answers the bot and
# says nothing of how the shopper feels. VADER reads a bare "no" as negative (-0.3), a
# valence meant for "no" inside a sentence.
ANSWER_ONLY = re.compile(
    r"^\W*(?:yes|yeah|yep|no|nope|nah|ok|okay|k|h+m+|m{2,}|u+h+|u+m+|o+h+|a+h+|sure"
    r"|嗯+|哦+|好+的?|不|不是|没有|對|对)\W*$",
    re.I,
)
