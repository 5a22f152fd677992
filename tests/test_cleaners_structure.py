"""The structural rules (joins, boundary doubles, heading moves, block types), one test per cause,
on short excerpts of the kinds of text that broke them: manuals with mixed English, tables,
captions, option lists, code, lists, attribution lines, headings and titles."""

from __future__ import annotations

import pytest

from seedsift.cleaners import clean
from seedsift.cleaners.blocks import classify_block

STRUCTURAL = ("join", "boundary_double", "heading_move")


def structural(text):
    return [r for r in clean(text).repairs if r.applied and r.kind in STRUCTURAL]


UNCHANGED = {
    "ascii full stop ends a sentence": "当输出串行口设备的设置时，显示出所有有效信息.\n\n当遇到两个以上的软件包时，先提示用户。\n",
    "ascii full stop after a bracket": "参见 accept(2)).\n\nDebian 是一个志愿者组织。\n",
    "english sentence then chinese": "Remote hosts are permitted.\n\nDebian 自由软件指导方针为 Debian 设立标准。\n",
    "colon introduces a list": "笔者建议：\n\n其一，实行种子专卖制度。\n",
    "colon introduces code": "有个例子可以用邮件形式发送信息给root：\n\n$ mail -s test root\n",
    "semicolon list items": "有塑造留学生文学的典型形象；\n\n有缅怀故土与家园，唱出了动人的歌；\n\n有毕生不忘童年的一支笔。\n",
    "chain does not swallow the next title": "有个例子可以用邮件形式发送信息给root：\n\n语言环境的重新配置\n\n虽然我们有变量来记录每一页。\n",
    "function character inside a word": "二进制数据\n\n你可以把从源代码编译得到的程序直接放到目录里。\n",
    "numbered table caption": "TrueType 和 OpenType 字体列表\n\n表 6.10. 其它平台上免费 SSH 客户端列表\n",
    "figure caption before text": "网络结构\n\n图 3 网络拓扑\n\n每台主机都连接到交换机。\n",
    "title with a comma": "共享，拷贝和存档\n\n防火安全是对于纸质文档来说的。\n",
    "headline with a kicker and a colon, Latin inside": "配置网络接口：系统管理员 Linux 推荐做法\n\n需要修改的设置必须先写进配置文件。\n",
    "title with an enumeration comma": "监控、控制和启动程序活动\n\n对控制台来说，这意味着内核期望得到输入。\n",
    "title with Latin names": "TrueType 和 OpenType 字体列表\n\nPCPU 时间是当前进程所用的时间。\n",
    "how-to title": "通过挂载选项优化文件系统\n\n如果你要的是更严谨的写法，看看手册。\n",
    "option list of a manual": "如果命令行参数是一个符号链接，则对其进行遍历\n\n-L     遍历每一个符号链接\n\n-P     不遍历任何符号链接（默认）\n",
    "format specifiers": "%D     日期；等于 %m/%d/%y\n\n%e     日，以空格填充；等于 %_d\n",
    "attribution line": "千里之行，始于足下\n\n—— 老子《道德经》\n\n下一章讲述修身。\n",
    "tab separated table": "名称\t说明\n包管理\t安装软件\n\n下面逐项说明。\n",
    "list of names without punctuation": "天津科学技术出版社河北省科委河北省心连心艺术团河北省大厂回族自治县评剧团山西省太原市文化局\n\n山西省太原市委宣传部山西省科协陕西省科协陕西省西安市委宣传部甘肃省曲艺团\n",
    "next block opens a new sentence": "如果它们没有共同点，就必须全部添加\n\n如果这样做没有效果，你也可以用脚本。\n",
    "byline before a heading": "座谈会在北京举行。本报记者 李明\n\n# 春节前夕\n\n走访困难职工家庭。\n",
    "unterminated list items": "流行度：在投票或者安装指数上有着更高的分数\n\n更新日志：维护者经常的更新\n\n缺陷跟踪系统：没有严重的缺陷\n",
    "full stop after a number": "这里示例设置的值，从默认的 1500 设置到 1454.\n\n对于动态地址，参见下一节。\n",
    "multi-level section number": "1.2.9. 套接字\n\n套接字被广泛应用于所有的互联网通信。\n",
    "bracketed credit after the full stop": "安置人员２５００人。（王国平）\n\n安徽的贫困人口相对集中。\n",
    "code token after a title": "IBus 支持的输入法\n\n::html::init 命令应当最早调用，从而初始化。\n",
    "question heading without its mark": "Where we're at so far...到现在为止我们学了些什么\n\n那大概是您忘了复制程式库。\n",
    "credits written as paragraphs without full stops": (
        "张三 是网络配置主题的主要贡献者\n\n李四 对构建脚本的更正提供了帮助\n\n王五 进行了大量的校对\n\n"
        "系统中的帮助页面被用作这份文档的主要参考。\n"),
    "bracketed gloss before a sentence opening with 与": "库文件版本的兼容性（包括 libc）\n\n与之相关的程序版本也要检查。\n",
    "key-description list of short items": (
        "\"d\" 删除当前行\n\n\"u\" 撤销上一次修改\n\n\"p\" 粘贴到下一行\n\n\".\" 可以重复执行上一个命令\n\n"
        "这些命令在所有模式下都可用。\n"),
    "title before an in-case adverbial": "查看已被其他进程打开的文件\n\n默认情况下，lsof 会列出所有打开的文件。\n",
    "caption before a topic shift": "每次等待的时间为 0.5 秒\n\n至于其他参数，请参考手册。\n",
    "title before a when-clause with its subject": "恢复被误删除的文件\n\n当你发现文件丢失时，先不要写入磁盘。\n",
    "title before a discourse marker and comma": "配置被锁定的服务\n\n注意，修改配置前要先停止服务。\n",
    "heading whose last word opens the paragraph": "磁盘配额\n\n配额 用于限制每个用户能使用的磁盘空间。\n",
    "dash-led list item of news stays text": "——制定指导意见，面向货车司机、网约车司机。\n\n——推进百强企业建会。\n",
    "numbered heading set off by a space, ending in a function character": "4.2.1. 文件校验和\n\ncksum 命令计算文件的校验值。\n",
    "title before a paragraph opening with 与…相比": "粮食生产稳定增长\n\n与去年相比，全省粮食增产三成。\n",
    "title, caption, then a block opening with a stray mark": "磁盘优化\n\n表 3.1. 常用的挂载选项\n\n。这一节介绍如何调整。\n",
    "command introduced by a colon, with a bracket open before it": "（用法见下文。你可以试试这条命令：\n\n    echo open host）\n",
    "photo caption before a paragraph": "▲农民在田间收割晚稻\n\n今年全县粮食总产量再创新高。\n",
    "numbered item set off by a space, ending in 的": "第一条 日志才是最要紧的\n\n先读日志，再提问题。\n",
    "copula introducing display lines and a lone conjunction between them": "配置行的写法是\n\n名称=值\n\n或是\n\n名称+值\n\n等号前后可以有空格。\n",
    "verse title with 在 after its verb": "雪落在黄河的石头上\n\n黄河的冬天来得早。\n",
    "short headline that is a demonstrative phrase": "这一天\n\n我们终于到达了目的地。\n",
    "heading on the noun 表示": "数值的表示\n\n整数按二进制补码存放。\n",
    "title that opens with a phrase of place": "从生活的缝隙间\n\n阳光一点点照进老街。\n",
    "headline ending in a post and a full name": "会见中国作家协会主席巴金\n\n双方就文学交流交换了意见。\n",
    "parallel noun phrases make a title": "科学的评价，历史的定位\n\n本书收录了二十篇论文。\n",
    "classical 或 before a verb is someone": "子曰：“学而时习之。”\n\n或曰：“以德报怨，何如？”\n",
    "a signature line opens with its date": "欢迎各位读者来信批评指正。\n\n１９９７年３月６日于北京\n\n附录一收录了会议的全部文件。\n",
    "a finished 进行 ends a headline": "中美两国军方对话在华盛顿进行\n\n双方就地区安全交换了意见。\n",
    "numbered headings whose siblings are headings too": "一、总则\n\n本办法适用于全省。\n\n二、职责分工\n\n省水利厅负责组织实施。\n",
    "headline with the copula": "教育是立国之本\n\n全省教育投入逐年增加。\n",
    "numbered heading glued to its number before a paragraph": "第七章附则\n\n本法自公布之日起施行。\n",
    "headline with a preposition and its verb": "中国向灾区捐款\n\n首批救灾物资已经运抵灾区。\n",
    "heading ending in a name before its paragraph": "# 向群众说不\n\n# 王大才\n\n一次性注射器被反复使用，这些本该销毁。\n",
    "heading whose last word begins the paragraph's first word": "# 走进中国\n\n国家统计局今天发布了公报。\n",
    "heading before a paragraph opening with a free function character": "# 传统与现代并存\n\n在我国的城市里，老街和高楼比邻。\n",
    "bracketed credit after a title stays": "全县粮食再获丰收（附图片１张）\n\n今年全县粮食总产量再创新高。\n",
    "copula introducing a path": "示例配置如下，其中最重要的是\n\n/etc/hosts 文件中的条目。\n",
    "headline with a Latin word after its colon": "1.4.2. 设置新建文件的权限：umask\n\n新建文件的权限由 shell 的设置决定。\n",
    "speaker lines of a dialogue": "小王：嗯，有一个配置工具\n\n小李：不是，我是问怎么安装。\n",
}


@pytest.mark.parametrize("name", sorted(UNCHANGED))
def test_undamaged_excerpt_is_not_joined(name):
    text = UNCHANGED[name]
    assert structural(text) == [], name
    assert clean(text).text == text


REPAIRED = {
    "latin-heavy second half": ("这是由推荐的软件包版本偏差造成的，例\n\n如 gnome-core。\n",
                                "这是由推荐的软件包版本偏差造成的，例如 gnome-core。\n"),
    "traditional script decided on its simplified key": ("各級幹部要認真對\n\n待群眾的每一封來信。\n",
                                                          "各級幹部要認真對待群眾的每一封來信。\n"),
    "traditional heading moved, kept in its own script": ("各級幹部要認真對\n\n## 來信選登\n\n待群眾的每一封來信。\n",
                                                           "各級幹部要認真對待群眾的每一封來信。\n\n## 來信選登\n"),
    "markdown heading between two halves": ("类似的工具能够帮助人\n\n# 许可证示例\n\n进行代码检查。\n",
                                            "类似的工具能够帮助人进行代码检查。\n\n# 许可证示例\n"),
    "plain heading between two halves": ("校验和按照描述的方式进行计算。默认\n\n交互式移植\n\n模式是输出一行文字。\n",
                                         "校验和按照描述的方式进行计算。默认模式是输出一行文字。\n\n交互式移植\n"),
    "first copy belongs to a word on its left": ("应用程序非常\n\n常相像，也是如此。\n", "应用程序非常相像，也是如此。\n"),
    "second copy belongs to a word on its right": ("即使指定了宽度，它依\n\n依旧超出了十个字符。\n", "即使指定了宽度，它依旧超出了十个字符。\n"),
    "demonstrative waits for its noun": ("管理员权限被赋予那些\n\n有权进行系统管理任务的人。\n", "管理员权限被赋予那些有权进行系统管理任务的人。\n"),
    "unit three times in a row": ("河水泛滥，泛区居民纷\n\n纷纷迁移到附近的高地。\n", "河水泛滥，泛区居民纷纷迁移到附近的高地。\n"),
    "unit closing a number": ("新华社福州１月１４日\n\n日电福建省人民代表大会开幕。\n", "新华社福州１月１４日电福建省人民代表大会开幕。\n"),
    "one copy leaves a longer word": ("如果输出是大写字\n\n字母，则表示执行位未设置。\n", "如果输出是大写字母，则表示执行位未设置。\n"),
    "second copy turns a common word into a rarer one": ("这一步很慢，当主机\n\n机系统支持虚拟化时会快得多。\n",
                                                          "这一步很慢，当主机系统支持虚拟化时会快得多。\n"),
    "broken paragraph after a block ending in a colon": ("他列出了参加演出的团体：\n\n广州老干部太极拳队、少儿剧团、灯谜\n\n协会等十多个团体。\n",
                                                         "他列出了参加演出的团体：\n\n广州老干部太极拳队、少儿剧团、灯谜协会等十多个团体。\n"),
    "narrow newspaper column: every block a fragment": (
        "二是加强干部队伍建设。\n\n树立正确选人用人导向，强化政治素质\n\n考察和政治把关，加大教育培训和基\n\n"
        "层干部挂职工作力度，抓好工\n\n会干部理想信念教育、作风转变、\n\n专业素质和专业能力提高，发扬为民服\n\n"
        "务孺子牛、创新发展拓荒牛、艰苦奋斗\n\n老黄牛的精神，不断增强解决实际问\n\n题的本领。\n",
        "二是加强干部队伍建设。\n\n树立正确选人用人导向，强化政治素质考察和政治把关，加大教育培训和基层干部挂职工作力度，"
        "抓好工会干部理想信念教育、作风转变、专业素质和专业能力提高，发扬为民服务孺子牛、创新发展拓荒牛、"
        "艰苦奋斗老黄牛的精神，不断增强解决实际问题的本领。\n"),
    "conjunction continuing the phrase a bracketed gloss ended": (
        "分隔符是一个空白字符（通常是空格或制表符）\n\n和紧随其后的若干字符。\n",
        "分隔符是一个空白字符（通常是空格或制表符）和紧随其后的若干字符。\n"),
    "quantity phrase and a lone adjective wait for their noun": ("给日志单独分配一个分区是一个好\n\n办法，可以防止磁盘被写满。\n",
                                                                  "给日志单独分配一个分区是一个好办法，可以防止磁盘被写满。\n"),
    "broken first paragraph under a chapter and a section title": (
        "第三章 系统管理\n\n用户和组\n\n系统管理员可以通过修改配置文件来调整用户\n\n权限，也可以使用图形工具。\n",
        "第三章 系统管理\n\n用户和组\n\n系统管理员可以通过修改配置文件来调整用户权限，也可以使用图形工具。\n"),
    "short first half whose word ends at B's first comma": ("proc 与 sys 两种虚拟文件\n\n系统，分别挂载在不同的目录下。\n",
                                                           "proc 与 sys 两种虚拟文件系统，分别挂载在不同的目录下。\n"),
    "opener inside a word across the break": ("这种情况一般还不\n\n至于造成数据丢失。\n", "这种情况一般还不至于造成数据丢失。\n"),
    "decimal split after its point": ("版本号是 2.\n\n5，已经发布。\n", "版本号是 2.5，已经发布。\n"),
    "short first half with a modal verb": ("许可证必须允许对其所属作品的修改\n\n以及衍生。\n", "许可证必须允许对其所属作品的修改以及衍生。\n"),
    "time adverbial set off by a comma opens a sentence": ("１９９５年，全市新建\n\n住宅四千套。\n", "１９９５年，全市新建住宅四千套。\n"),
    "when-clause opens a sentence": ("在谈到春耕时，省长\n\n强调要稳定粮食生产。\n", "在谈到春耕时，省长强调要稳定粮食生产。\n"),
    "count ending in a measure word waits for its noun": ("今年全省共有１２支\n\n医疗队下乡服务。\n", "今年全省共有１２支医疗队下乡服务。\n"),
    "dateline ending in 讯 is running text": ("本报上海３月５日讯\n\n记者王明报道：全市春耕进展顺利。\n",
                                          "本报上海３月５日讯记者王明报道：全市春耕进展顺利。\n"),
    "lone localizer and comma close A's phrase": ("２０００年张强退休\n\n后，回到家乡办起了果园。\n", "２０００年张强退休后，回到家乡办起了果园。\n"),
    "progressive aspect marks running text": ("技术员们正在仔细\n\n核对每一台机器。\n", "技术员们正在仔细核对每一台机器。\n"),
    "legal article glued to its number, ending in 的": ("第十二条各级人民政府应当保护合法的\n\n经营活动。\n",
                                                     "第十二条各级人民政府应当保护合法的经营活动。\n"),
    "bulleted paragraph broken after its first sentence": ("▲通知你的银行。许多银行都提供适合进出口业务的\n\n电子服务，包括资金转账。\n",
                                                         "▲通知你的银行。许多银行都提供适合进出口业务的电子服务，包括资金转账。\n"),
    "adverb at the end waits for its verb": ("这部法律草案已\n\n提交人大常委会审议。\n", "这部法律草案已提交人大常委会审议。\n"),
    "conjunction opening B links it to A": ("今年要在改革方面有新的进展\n\n和突破，各地都要抓紧。\n",
                                           "今年要在改革方面有新的进展和突破，各地都要抓紧。\n"),
    "clause ending in 后 and a comma opens a sentence": ("调查结束后，县里\n\n拨出专款修路。\n", "调查结束后，县里拨出专款修路。\n"),
    "dateline cut before its 电": ("本报杭州３月２日\n\n电记者张华报道：春茶开采。\n", "本报杭州３月２日电记者张华报道：春茶开采。\n"),
    "long unpunctuated clause is no list of names": (
        "国务院副总理今天上午在人民大会堂会见了来访的蒙古国家大呼拉尔代表团团长巴特尔及其\n\n随行人员。\n",
        "国务院副总理今天上午在人民大会堂会见了来访的蒙古国家大呼拉尔代表团团长巴特尔及其随行人员。\n"),
    "long caption cut mid-sentence": ("▲全国人大常委会副委员长今天在北京会见出席研讨\n\n会的各国代表。\n",
                                     "▲全国人大常委会副委员长今天在北京会见出席研讨会的各国代表。\n"),
    "对于 opens running text": ("对于北京的几家纺织厂\n\n市里十分重视再就业工作。\n", "对于北京的几家纺织厂市里十分重视再就业工作。\n"),
    "title-like first half ending in a fragment of a word": ("从上游源代码编译定制的内核二进\n\n制包，再用 dpkg 安装。\n",
                                                           "从上游源代码编译定制的内核二进制包，再用 dpkg 安装。\n"),
    "bracket opened in A and closed in B": ("张丽（市体委群体\n\n处处长）：全民健身要从娃娃抓起。\n",
                                            "张丽（市体委群体处处长）：全民健身要从娃娃抓起。\n"),
    "numbered news item opening with a date": ("３、３月８日，上海\n\n举行了盛大的庆祝活动。\n", "３、３月８日，上海举行了盛大的庆祝活动。\n"),
    "free function character doubled at a break": ("他表示，这家公司对\n\n对当地的投资环境很有信心。\n",
                                                  "他表示，这家公司对当地的投资环境很有信心。\n"),
    "demonstrative opener refers back: running text": ("这一决定在当地居民中引起\n\n热烈反响。\n",
                                                    "这一决定在当地居民中引起热烈反响。\n"),
    "degree adverb at the end waits for its adjective": ("这里的山路很\n\n陡，车子只能慢慢开。\n", "这里的山路很陡，车子只能慢慢开。\n"),
    "determiner at the end waits for its measure word": ("经过三年的努力，这\n\n支队伍已经成长起来。\n",
                                                        "经过三年的努力，这支队伍已经成长起来。\n"),
    "conjunction at the end links to B": ("这项技术不仅\n\n节约能源，而且减少污染。\n", "这项技术不仅节约能源，而且减少污染。\n"),
    "copula at the end waits for its complement": ("他认为，问题的关键是\n\n资金不足。\n", "他认为，问题的关键是资金不足。\n"),
    "causative at the end waits for what it causes": ("新的规定令\n\n不少商户感到意外。\n", "新的规定令不少商户感到意外。\n"),
    "整个 waits for its noun": ("农业是当前整个\n\n经济工作的重点。\n", "农业是当前整个经济工作的重点。\n"),
    "one-character segment after a comma is cut off": ("去年秋天的一个傍晚，我\n\n来到了这个小山村。\n",
                                                       "去年秋天的一个傍晚，我来到了这个小山村。\n"),
    "本月 date set off by a comma opens a sentence": ("本月５日，市政府\n\n召开了防汛工作会议。\n",
                                                    "本月５日，市政府召开了防汛工作会议。\n"),
    "B opens with 说 and no speaker": ("村里的老队长王大山\n\n说：“这条路终于修通了。”\n",
                                      "村里的老队长王大山说：“这条路终于修通了。”\n"),
    "subject and a closed 在 phrase wait for their verb": ("代表们在讨论决议草案中\n\n提出了许多修改意见。\n", "代表们在讨论决议草案中提出了许多修改意见。\n"),
    "legal article glued to its number, cut inside a word": ("第十二条各类中介机\n\n构应当公开收费标准。\n", "第十二条各类中介机构应当公开收费标准。\n"),
    "subject, 由 and its object wait for the verb": ("程序的输出结果由管道\n\n传给下一个命令。\n", "程序的输出结果由管道传给下一个命令。\n"),
    "heading line cut inside a word": ("# 市长会见了来访的美\n\n国客人\n\n会见时，双方就经贸合作交换了意见。\n",
                                      "# 市长会见了来访的美国客人\n\n会见时，双方就经贸合作交换了意见。\n"),
    "heading line cut inside its bracket": ("# （１９９８年３月５日第九届全国人民代表大会第一\n\n次会议通过）\n\n全文如下。\n",
                                           "# （１９９８年３月５日第九届全国人民代表大会第一次会议通过）\n\n全文如下。\n"),
    "time told from the day of writing marks a report": ("市气象台今天发布寒潮\n\n警报，提醒市民注意保暖。\n", "市气象台今天发布寒潮警报，提醒市民注意保暖。\n"),
    "demonstrative with any measure word opens a report": ("这份由专家组起草的报告\n\n已经提交国务院。\n", "这份由专家组起草的报告已经提交国务院。\n"),
    "a 对 object holding 的 and 和 waits for the verb": ("连年的干旱对当地的农业和牧业\n\n造成了很大的损失。\n",
                                                    "连年的干旱对当地的农业和牧业造成了很大的损失。\n"),
    "在 and a place word that holds its localizer": ("省长王大山在会上\n\n部署了今年的工作。\n", "省长王大山在会上部署了今年的工作。\n"),
    "title marks opened in A and closed in B": ("受编辑部委托，巴黎《华\n\n声报》组织了这次活动。\n", "受编辑部委托，巴黎《华声报》组织了这次活动。\n"),
    "Latin gloss in brackets leaves the sentence open": ("在局域网里，许多程序通过域名系统（DNS）\n\n查找远程主机的地址。\n",
                                                        "在局域网里，许多程序通过域名系统（DNS）查找远程主机的地址。\n"),
    "preverbal object with a relative clause and a Latin name": ("密码按照 POSIX 规定的格式\n\n写入配置文件。\n",
                                                                "密码按照 POSIX 规定的格式写入配置文件。\n"),
    "之 never opens a sentence": ("日本选手仅以０．５分\n\n之差屈居第二。\n", "日本选手仅以０．５分之差屈居第二。\n"),
    "a month after 去年 and a comma opens a report": ("去年３月，省政府\n\n批准了这个项目。\n", "去年３月，省政府批准了这个项目。\n"),
    "a 按… frame and a comma opens a report": ("按原定计划，代表团\n\n明天启程回国。\n", "按原定计划，代表团明天启程回国。\n"),
    "对此 and a comma is a discourse marker": ("对此，市交通局的一位负责人\n\n作了解释。\n", "对此，市交通局的一位负责人作了解释。\n"),
    "自 and a time wait for the verb": ("全省自去年秋天\n\n推行新的税收制度。\n", "全省自去年秋天推行新的税收制度。\n"),
    "a 由 object closed by 等 waits for the verb": ("本届博览会由省商务厅等\n\n部门联合主办。\n", "本届博览会由省商务厅等部门联合主办。\n"),
    "a post and a lone surname: the name goes on": ("出席会议的还有省农业厅厅长郑\n\n国强等同志。\n",
                                                  "出席会议的还有省农业厅厅长郑国强等同志。\n"),
    "a light verb waits for its object": ("全体职工对新的改革方案表示\n\n支持。\n", "全体职工对新的改革方案表示支持。\n"),
    "a modal between the subject and its closed 在 phrase": ("各单位不得在规定的范围之外\n\n收取费用。\n",
                                                           "各单位不得在规定的范围之外收取费用。\n"),
    "a block opening with 由 and a noun phrase waits for the verb": (
        "书画展开幕。\n\n由市文化局与市总工会等\n\n单位联合主办的展览将持续十天。\n",
        "书画展开幕。\n\n由市文化局与市总工会等单位联合主办的展览将持续十天。\n"),
    "上述 refers back: running text": ("上述两家企业的改革经验\n\n值得各地借鉴。\n", "上述两家企业的改革经验值得各地借鉴。\n"),
    "echo that makes a word with the next character reads far worse": ("这笔资金由拉萨市\n\n市委统一安排。\n",
                                                                     "这笔资金由拉萨市委统一安排。\n"),
    "real cross-word double split by a break keeps both copies": (
        "今年，我们在实践中逐步完善了内部控制\n\n制度，防范金融风险。\n", "今年，我们在实践中逐步完善了内部控制制度，防范金融风险。\n"),
    "a credit whose bracket the next block closes is no heading to move": (
        "这是开馆仪式上升国旗的场面。（新华社记\n\n者王小明摄）\n\n１日上午９时，大使馆正式开馆。\n",
        "这是开馆仪式上升国旗的场面。（新华社记者王小明摄）\n\n１日上午９时，大使馆正式开馆。\n"),
    "a 图为 caption cut inside its credit": ("图为开馆仪式上升国旗。（新华社记\n\n者王小明摄）\n\n１日上午９时，大使馆正式开馆。\n",
                                            "图为开馆仪式上升国旗。（新华社记者王小明摄）\n\n１日上午９时，大使馆正式开馆。\n"),
    "a subject after a comma waits for its predicate": ("为了防止火灾，各级政府部门\n\n近日组织了一次安全大检查。\n",
                                                      "为了防止火灾，各级政府部门近日组织了一次安全大检查。\n"),
    "a block opening with 或 holds the second alternative": ("日志可以写到“/var/log”\n\n或“/tmp”目录，由配置决定。\n",
                                                          "日志可以写到“/var/log”或“/tmp”目录，由配置决定。\n"),
    "a subject, the day and the event make a report": ("市消防支队３日晚接到\n\n群众报警后，立即出动了三辆消防车。\n",
                                                      "市消防支队３日晚接到群众报警后，立即出动了三辆消防车。\n"),
    "a year in Chinese numerals split by a break keeps its four numerals": (
        "这家公司被评为先进单位后，在一九\n\n九七年的考核中又取得了好成绩。\n", "这家公司被评为先进单位后，在一九九七年的考核中又取得了好成绩。\n"),
    "a numeral of a year doubled at a break is dropped": (
        "这家公司被评为先进单位后，在一九九七\n\n七年的考核中又取得了好成绩。\n", "这家公司被评为先进单位后，在一九九七年的考核中又取得了好成绩。\n"),
    "an open 当 clause waits for its 时": ("当满载救灾物资的车队开进\n\n村子时，乡亲们都围了上来。\n", "当满载救灾物资的车队开进村子时，乡亲们都围了上来。\n"),
    "对… and a final 进行 wait for what is done": ("工作组对全县的中小学校舍进行\n\n安全检查，发现隐患十二处。\n",
                                                 "工作组对全县的中小学校舍进行安全检查，发现隐患十二处。\n"),
    "a verb-not-verb question split by the break": ("记者问老人想\n\n不想搬到城里去住。\n", "记者问老人想不想搬到城里去住。\n"),
    "之一 needs the group before it": ("全省十大重点工程\n\n之一的跨江大桥今天通车。\n", "全省十大重点工程之一的跨江大桥今天通车。\n"),
    "a list item cut before its semicolon": (
        "这些作品题材广泛：\n\n有的描写身居异域的游子，不忘朴实无华的家乡，常常\n\n引起读者对家国命运的关注；\n\n有的记述留学生活的甘苦。\n",
        "这些作品题材广泛：\n\n有的描写身居异域的游子，不忘朴实无华的家乡，常常引起读者对家国命运的关注；\n\n有的记述留学生活的甘苦。\n"),
    "a numbered item cut where its siblings are sentences": (
        "会议决定：\n\n一、表彰在抗洪救灾中作出突出贡献的单位；\n\n二、责成省水利厅立即\n\n组织专家检查全省堤防；\n\n三、各地要做好灾后重建工作。\n",
        "会议决定：\n\n一、表彰在抗洪救灾中作出突出贡献的单位；\n\n二、责成省水利厅立即组织专家检查全省堤防；\n\n三、各地要做好灾后重建工作。\n"),
    "longer reduplicated word split by a break": ("只见一排战士整整齐\n\n齐地站在操场上。\n", "只见一排战士整整齐齐地站在操场上。\n"),
}


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_broken_excerpt_is_repaired(name):
    damaged, expected = REPAIRED[name]
    assert clean(damaged).text == expected


def test_rare_reduplication_split_by_a_break_is_an_echo():
    """常|常 at a break: only 8 % of the uses of 常 are in 常常, so a doubled line end is the
    likelier cause and one copy is dropped (and recorded); 我常用 and 我常常用 both read well."""
    r = clean("我常\n\n常用电脑写稿。\n")
    assert r.text == "我常用电脑写稿。\n"
    assert [x.kind for x in r.repairs if x.applied] == ["boundary_double"]
    assert "rarely doubled" in r.repairs[0].reason


def test_dominant_reduplication_split_by_a_break_is_kept():
    """纷|纷 at a break: most uses of 纷 are in 纷纷, so the break split the word."""
    r = clean("消息传开，村民纷\n\n纷赶来帮忙。\n")
    assert r.text == "消息传开，村民纷纷赶来帮忙。\n"
    assert [x.kind for x in r.repairs if x.applied] == ["join"]


def test_rare_pair_word_split_by_a_break_is_an_echo():
    """零|零: the lexicon only knows 零零 as a rare word, which the in-text rules merely flag;
    at a break the doubled line end is far likelier."""
    assert clean("如果返回值是非零\n\n零的话，说明命令执行失败。\n").text == "如果返回值是非零的话，说明命令执行失败。\n"


def test_two_character_unit_doubled_across_a_word_is_dropped():
    """不知|不知道: the lexicon's word across the junction (知不知道) holds only part of the
    doubled 不知, so the copies are no reduplication."""
    assert clean("第一次装系统时，你不知\n\n不知道该选哪一个版本。\n").text == "第一次装系统时，你不知道该选哪一个版本。\n"


def test_heading_move_is_recorded_with_the_join():
    r = clean("校验和按照描述的方式进行计算。默认\n\n交互式移植\n\n模式是输出一行文字。\n")
    kinds = sorted(x.kind for x in r.repairs if x.applied)
    assert kinds == ["heading_move", "join"]
    join = next(x for x in r.repairs if x.kind == "join")
    assert "交互式移植" in join.before and "title moved after the paragraph" in join.reason


@pytest.mark.parametrize("text,kind", [
    ("表 6.10. 其它平台上免费 SSH 客户端列表", "caption"),
    ("图 3 网络拓扑", "caption"),
    ("-- Debian 《行为准则》第一条", "attribution"),
    ("—— 老子《道德经》", "attribution"),
    ("——制定指导意见，面向货车司机。", "body"),
    ("-x显示系统关机记录", "item"),
    ("c, u   创建一个字符特殊文件", "item"),
    ("如 gnome-core。", "body"),
    ("$ gpg --list-sigs --with-colons", "latin"),
])
def test_block_types(text, kind):
    assert classify_block(text) == kind


@pytest.mark.parametrize("text", [
    # a 是…的 predicate whose full stop the source lost, then a paragraph opening with a verb
    "大家都说，这样的结局和去年其实是一样的\n\n看比赛的人越来越少，场馆也冷清了。\n",
    "他觉得这件事本来就是应该的\n\n办企业总要讲信用，不能失信于人。\n",
])
def test_final_de_before_a_verb_opening_b_is_no_break(text):
    r = clean(text)
    assert r.text == text and not [x for x in r.repairs if x.kind == "join"]


@pytest.mark.parametrize("text,fixed", [
    ("会议认为，值得注意的\n\n是，今年的降水明显偏少。\n", "会议认为，值得注意的是，今年的降水明显偏少。\n"),
    ("这次调查中，群众反映最多的\n\n问题是看病难。\n", "这次调查中，群众反映最多的问题是看病难。\n"),
])
def test_final_de_before_its_noun_or_copula_still_joins(text, fixed):
    assert clean(text).text == fixed
