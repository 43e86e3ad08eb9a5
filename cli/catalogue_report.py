"""Catalogue entries for the audit report: health evidence, lifecycle, spam pressure, advice."""

from __future__ import annotations

from typing import Any

from cli.catalogue import register, say


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def _names(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"names_text": _sep(lang).join(str(n) for n in params.get("names", []))}


def _share(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"what": say(f"metric.{params['metric']}", lang)}


def _stage(params: dict[str, Any], lang: str) -> dict[str, Any]:
    scale = params.get("scale", {})
    return {"stage_name": say(f"stage.{params['stage']}", lang),
            "scale_text": _sep(lang).join(f"{say(f'stage.{s}', lang)} {v:g}" for s, v in scale.items())}


def _lifecycle(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"metric_name": say(f"lifecycle_metric.{params.get('metric', 'messages')}", lang)}


def _spammers(params: dict[str, Any], lang: str) -> dict[str, Any]:
    listed = ", ".join(f"{name}({n})" for name, n in params.get("spammers", []))
    gate = say("advice.gate_newcomers" if params.get("newcomers") else "advice.gate_entry", lang)
    return {"listed": listed, "gate": gate}


def _rules(params: dict[str, Any], lang: str) -> dict[str, Any]:
    from analysis.notes import Note

    rules = [say(Note(r["code"], r["params"]), lang) for r in params.get("rules", [])]
    return {"rules_text": ("；" if lang == "zh" else "; ").join(rules)}


def _event(params: dict[str, Any], lang: str) -> dict[str, Any]:
    lift = params.get("red_packet_lift")
    return {"stage_name": say(f"stage.{params['stage']}", lang),
            "extra": say("advice.red_packet_lift", lang, lift=lift) if lift is not None else ""}


def _theme(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"terms_text": _sep(lang).join(params.get("terms", [])),
            "hint": say("advice.theme_guessed", lang) if params.get("proposed") else ""}


def _hours(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"hours_text": ", ".join(f"{int(h):02d}:00" for h in params.get("hours", []))}


def _peaks(params: dict[str, Any], lang: str) -> dict[str, Any]:
    pairs = zip(params.get("hours", []), params.get("shares", []), strict=False)
    return {"peaks_text": ", ".join(f"{int(h):02d}:00 {s:.0%}" for h, s in pairs)}


register({
    # what each share component measures
    "metric.weekly_speakers": ("weekly speakers / members", "周发言人数 / 成员数"),
    "metric.top10_share": ("messages written by the top 10% of speakers", "前 10% 发言者所写消息占比"),
    "metric.spam_share": ("messages flagged as spam or flooding", "判为广告或刷屏的消息占比"),
    "metric.on_topic_share": ("substantive messages on the group's theme", "与群主题相关的实质消息占比"),
    "metric.newcomer_activation": ("newcomers who spoke within 7 days of joining", "入群 7 天内发言的新人占比"),
    "metric.unanswered_share": ("questions nobody answered", "无人回应的提问占比"),
    # health evidence
    "health.share_at_least": ("{what} {value_pct} (good: at least {good_pct}; poor: {bad_pct})",
                              "{what} {value_pct}（良好：至少 {good_pct}；较差：{bad_pct}）"),
    "health.share_at_most": ("{what} {value_pct} (good: at most {good_pct}; poor: {bad_pct})",
                             "{what} {value_pct}（良好：至多 {good_pct}；较差：{bad_pct}）"),
    "health.not_measurable": ("{what}: not measurable in this window", "{what}：本时段无法计算"),
    "health.stage": ("lifecycle stage {stage_name} ({scale_text})", "生命周期阶段：{stage_name}（{scale_text}）"),
    "health.stage_unknown": ("lifecycle stage: not known", "生命周期阶段：未知"),
    # spam pressure (added to the spam component's evidence)
    "pressure.per_speaker_day_above": ("{value:.1f} messages per speaker per day (above the {line:g} that suggests "
                                       "flooding)", "人均每天 {value:.1f} 条消息（高于提示刷屏的 {line:g} 条）"),
    "pressure.per_speaker_day_within": ("{value:.1f} messages per speaker per day (within the {line:g} that "
                                        "suggests flooding)", "人均每天 {value:.1f} 条消息（未超过提示刷屏的 {line:g} 条）"),
    "pressure.links_above": ("links in {value_pct} of messages (above the {line_pct} ad-risk line)",
                             "{value_pct} 的消息带链接（高于 {line_pct} 的广告风险线）"),
    "pressure.links_below": ("links in {value_pct} of messages (below the {line_pct} ad-risk line)",
                             "{value_pct} 的消息带链接（低于 {line_pct} 的广告风险线）"),
    # lifecycle evidence
    "lifecycle_metric.messages": ("messages", "条消息"),
    "lifecycle_metric.speakers": ("speakers", "位发言者"),
    "lifecycle.nobody_spoke": ("nobody has ever spoken", "从未有人发言"),
    "lifecycle.dead": ("no human message in the last {days} days (dead after {dead_days})",
                       "最近 {days} 天没有成员发言（超过 {dead_days} 天即判为沉寂）"),
    "lifecycle.new": ("first record {age_days} days before the window end (new below {new_days} days, or no "
                      "baseline yet)", "第一条记录距时段结束 {age_days} 天（不足 {new_days} 天或尚无基线即为新建）"),
    "lifecycle.growing": ("last {weeks} weeks: {recent:.1f} {metric_name}/week vs baseline {baseline:.1f} (median of "
                          "the {baseline_weeks} weeks before); ratio {ratio:.2f} >= {growing_ratio:g}",
                          "最近 {weeks} 周：每周 {recent:.1f} {metric_name}，基线 {baseline:.1f}（之前 {baseline_weeks} "
                          "周的中位数）；比值 {ratio:.2f} ≥ {growing_ratio:g}"),
    "lifecycle.declining": ("last {weeks} weeks: {recent:.1f} {metric_name}/week vs baseline {baseline:.1f} (median "
                            "of the {baseline_weeks} weeks before); ratio {ratio:.2f} <= {declining_ratio:g}",
                            "最近 {weeks} 周：每周 {recent:.1f} {metric_name}，基线 {baseline:.1f}（之前 "
                            "{baseline_weeks} 周的中位数）；比值 {ratio:.2f} ≤ {declining_ratio:g}"),
    "lifecycle.stable": ("last {weeks} weeks: {recent:.1f} {metric_name}/week vs baseline {baseline:.1f} (median of "
                         "the {baseline_weeks} weeks before); ratio {ratio:.2f} between {declining_ratio:g} and "
                         "{growing_ratio:g}",
                         "最近 {weeks} 周：每周 {recent:.1f} {metric_name}，基线 {baseline:.1f}（之前 {baseline_weeks} "
                         "周的中位数）；比值 {ratio:.2f}，介于 {declining_ratio:g} 与 {growing_ratio:g} 之间"),
    # advice
    "advice.recall_quiet": ("Recall quiet members: first message the {dormant} who were active and went quiet (e.g. "
                            "{names_text}), then welcome the {silent} who never spoke.",
                            "召回沉默成员：优先私聊曾经活跃、近期沉默的 {dormant} 人（如 {names_text}），再欢迎 {silent} "
                            "位从未发言的成员。"),
    "advice.few_speak": ("Few people speak: run a weekly prompt anyone can answer (a poll, a check-in) and invite "
                         "members by name.", "发言的人太少：每周固定一个人人能答的话题（投票、打卡、接龙），点名邀请成员参与。"),
    "advice.recall_dormant": ("{dormant} member(s) who used to talk went quiet; a private word may bring them back: "
                              "{names_text}.", "{dormant} 位曾经活跃的成员近期沉默，可私聊召回：{names_text}。"),
    "advice.remove_spammers": ("Remove {n} spammer(s): {listed} (spam messages in brackets).{gate}",
                               "移除 {n} 个广告号：{listed}（括号内为广告条数）。{gate}"),
    "advice.gate_newcomers": (" Most came in and advertised at once: turn on join approval or an entry question.",
                              "多数广告号是新入群即发广告：开启入群验证或审批。"),
    "advice.gate_entry": (" Consider an entry check for new members.", "考虑开启入群验证。"),
    "advice.tighten_rules": ("Tighten the group rules: {rules_text}.", "收紧群规：{rules_text}。"),
    "rule.limit_bursts": ("{value:.1f} messages per speaker per day suggests flooding: limit bursts in the rules",
                          "人均每天 {value:.1f} 条，有刷屏迹象：在群规中限制连续刷屏"),
    "rule.approve_links": ("{value_pct} of messages carry links: require admin approval for links",
                           "{value_pct} 的消息带链接：规定外链须经管理员同意"),
    "advice.plan_event": ("The group is {stage_name}: plan an event or a themed session.{extra}",
                          "群处于{stage_name}阶段：策划一次主题活动或分享会。{extra}"),
    "advice.red_packet_lift": (" Red packets brought {lift:.1f}x the messages of the half hour before them.",
                               "红包后 30 分钟消息是之前的 {lift:.1f} 倍，可作为唤醒手段。"),
    "advice.grow_regulars": ("The group leans on a few people: grow more regulars; ask the core members ({names_text}) "
                             "to open topics and bring others in.",
                             "群聊过度依赖少数人：培养更多活跃成员，请核心成员（{names_text}）带新话题、点名邀请他人参与。"),
    "advice.back_core": ("Back the core members ({names_text}): a title or a small reward; they carry the group.",
                         "支持核心成员（{names_text}）：给予身份或小奖励，他们撑起了群的活跃。"),
    "advice.welcome_newcomers": ("Newcomers stay silent ({activated} of {observed} spoke within 7 days): welcome and "
                                 "@-mention them within 24 hours, with the rules and an intro template.",
                                 "新人激活不足（{observed} 位新人中 {activated} 位 7 天内发言）：新人入群 24 小时内欢迎并 "
                                 "@ 他们，附上群规和自我介绍模板。"),
    "advice.restate_theme": ("Talk drifts off the theme ({terms_text}): restate the group's purpose and post themed "
                             "content regularly{hint}.", "话题偏离群定位（{terms_text}）：重申群规与主题，定期发布主题内容{hint}。"),
    "advice.theme_guessed": (" (the theme was guessed from the top keywords; declare it with --theme or [group] "
                             "theme)", "（主题词为自动推测，可用 --theme 或配置 [group] theme 声明群主题以得到准确比例）"),
    "advice.answer_questions": ("{n} question(s) got no answer: have admins take turns answering.",
                                "{n} 个提问无人回应：安排管理员轮值答疑。"),
    "advice.post_at_peaks": ("Post important content at the peak hours: {hours_text}.", "在活跃高峰发布重要内容：{hours_text}。"),
    "timing.peak_hours": ("{peaks_text}", "{peaks_text}"),
}, prepare={
    "health.share_at_least": _share, "health.share_at_most": _share, "health.not_measurable": _share,
    "health.stage": _stage, "lifecycle.growing": _lifecycle, "lifecycle.declining": _lifecycle,
    "lifecycle.stable": _lifecycle, "advice.recall_quiet": _names, "advice.recall_dormant": _names,
    "advice.grow_regulars": _names, "advice.back_core": _names, "advice.remove_spammers": _spammers,
    "advice.tighten_rules": _rules, "advice.plan_event": _event, "advice.restate_theme": _theme,
    "advice.post_at_peaks": _hours, "timing.peak_hours": _peaks,
})
