"""Catalogue entries for the topic analysis (``topics.*`` notes and the ``topics`` command's words)."""

from __future__ import annotations

from cli.catalogue import register

register({
    "topics.theme_proposed": ("no theme declared (--theme or [group] theme): proposed from the top keywords: "
                              "{terms_list}", "未声明群主题（--theme 或配置 [group] theme）：按高频关键词推测为 {terms_list}"),
    "topics.theme_absent": ("no substantive message contains a theme keyword ({terms_list})",
                            "没有一条实质消息包含主题词（{terms_list}）"),
    "topics.small_weeks": ("{weeks} week(s) with fewer than {min_messages} substantive messages are listed but "
                           "not compared", "{weeks} 周的实质消息少于 {min_messages} 条，列出但不参与比较"),
    "topics.nothing_to_measure": ("no substantive text messages in the window: nothing to measure",
                                  "时段内没有实质文字消息，无法度量"),
    "topics.on_topic_line": ("On-topic ratio", "主题相关比例"),
    "topics.on_topic_detail": ("({on_topic:,} of {substantive:,} substantive messages; theme: {theme} [{source}])",
                               "（{substantive:,} 条实质消息中 {on_topic:,} 条；主题：{theme}〔{source}〕）"),
    "topics.widened": ("widened by: {terms}", "扩展词：{terms}"),
    "topics.chitchat_line": ("Chit-chat ratio", "闲聊比例"),
    "topics.chitchat_detail": ("({chitchat:,} of {conversational:,} text/sticker messages: {reasons})",
                               "（{conversational:,} 条文字/表情消息中 {chitchat:,} 条：{reasons}）"),
    "topics.concentration_line": ("Concentration", "话题集中度"),
    "topics.concentration_detail": ("entropy {entropy} (1 = spread evenly), HHI {hhi} (1 = one keyword), "
                                    "top-20 coverage {coverage}",
                                    "熵 {entropy}（1 = 均匀分散），HHI {hhi}（1 = 只有一个关键词），前 20 关键词覆盖 {coverage}"),
    "topics.drift_line": ("Drift", "话题漂移"),
    "topics.drift_detail": ("mean week-over-week keyword overlap (Jaccard) {jaccard}",
                            "相邻两周关键词平均重合度（Jaccard）{jaccard}"),
    "topics.note": ("Note:", "注意："),
    "topics.keywords_title": ("Keywords (TF-IDF)", "关键词（TF-IDF）"),
    "topics.weeks_title": ("Weeks", "每周"),
    "topics.fell": ("fell", "下降"),
    "topics.yes": ("yes", "是"),
    "topics.none": ("none", "无"),
    "topics.segmentation": ("{engine}: {distinct:,} distinct texts, {segmented:,} segmented, {cached:,} from cache, "
                            "{jobs} process(es), {seconds:.2f} s",
                            "{engine}：{distinct:,} 条不同文本，分词 {segmented:,} 条，缓存命中 {cached:,} 条，"
                            "{jobs} 个进程，{seconds:.2f} 秒"),
    "theme_source.option": ("option", "命令行"),
    "theme_source.config": ("config", "配置"),
    "theme_source.proposed": ("proposed", "自动推测"),
    "theme_source.none": ("none", "无"),
    "chitchat_reason.greeting": ("greeting", "问候"),
    "chitchat_reason.short": ("short", "过短"),
    "chitchat_reason.emoji": ("emoji", "表情符号"),
    "chitchat_reason.sticker": ("sticker", "表情"),
    "chitchat_reason.laugh": ("laugh", "笑"),
    "chitchat_reason.ack": ("ack", "附和"),
    "pt": ("{value:+.1f} pt", "{value:+.1f} 个百分点"),
    "column.keyword": ("keyword", "关键词"),
    "column.tf-idf": ("tf-idf", "TF-IDF"),
    "column.theme": ("theme", "主题"),
    "column.week": ("week", "周"),
    "column.chit-chat": ("chit-chat", "闲聊"),
    "column.on-topic": ("on-topic", "主题相关"),
    "column.change": ("change", "变化"),
    "column.jaccard": ("jaccard", "Jaccard"),
    "column.top keywords": ("top keywords", "高频关键词"),
    "column.#": ("#", "#"),
})
