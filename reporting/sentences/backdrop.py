"""Sentences of 观策·论市: the macro backdrop of the week."""

from __future__ import annotations

from reporting.formatting import absnum, day_cn, month_cn, num, pct
from reporting.sentences.words import Row, move, strength_word


def backdrop(rows: dict[str, Row]) -> list[str]:
    """「截至4月13日，COMEX黄金收于2055.30美元/盎司，周涨1.48%…」 from the week's backdrop rows by indicator."""
    out: list[str] = []
    gold, gold_cny = rows.get("gold_usd"), rows.get("gold_cny")
    if gold and gold.get("value") is not None:
        text = f"截至{day_cn(gold.get('obs_date'))}，COMEX黄金收于{num(gold['value'], 2)}美元/盎司"
        if gold.get("change_pct") is not None:
            text += f"，周{move(gold['change_pct'], up='涨', down='跌')}{absnum(gold['change_pct'])}%"
        if gold.get("pctile_52w") is not None:
            text += f"，处于近52周{num(gold['pctile_52w'], 2)}%分位"
        if gold_cny and gold_cny.get("value") is not None:
            text += f"；上海金Au99.99收于{num(gold_cny['value'], 2)}元/克"
            if gold_cny.get("change_pct") is not None:
                text += f"，周{move(gold_cny['change_pct'], up='涨', down='跌')}{absnum(gold_cny['change_pct'])}%"
        out.append(text + "。")
    ten, cpi, real = rows.get("us_10y_yield"), rows.get("us_cpi_yoy"), rows.get("real_rate_proxy")
    parts = []
    if ten and ten.get("value") is not None:
        text = f"美国10年期国债收益率为{pct(ten['value'])}"
        if ten.get("change_pp") is not None:
            text += f"，较上周{move(ten['change_pp'])}{absnum(ten['change_pp'] * 100, 0)}个基点"
        parts.append(text)
    if cpi and cpi.get("value") is not None:
        parts.append(
            f"{month_cn(cpi.get('reference_month'))}美国CPI同比{pct(cpi['value'])}（{day_cn(cpi.get('obs_date'))}公布）"
        )
    if real and real.get("value") is not None:
        text = f"实际利率代理（10年期收益率−CPI同比）为{pct(real['value'])}"
        if real.get("change_pp") is not None:
            text += f"，较上周{move(real['change_pp'])}{absnum(real['change_pp'])}个百分点"
        parts.append(text)
    if parts:
        out.append("；".join(parts) + "。")
    dollar = rows.get("dollar_index")
    if dollar and dollar.get("value") is not None:
        text = f"美元指数收于{num(dollar['value'], 2)}"
        if dollar.get("change_pct") is not None:
            text += (
                f"，周{move(dollar['change_pct'], up='涨', down='跌')}{absnum(dollar['change_pct'])}%，"
                f"美元{strength_word(dollar['change_pct'])}"
            )
        if dollar.get("pctile_52w") is not None:
            text += f"，处于近52周{num(dollar['pctile_52w'], 2)}%分位"
        out.append(text + "。")
    return out
