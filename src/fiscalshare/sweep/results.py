"""What a sweep keeps of each scenario, and how the scenarios become ``sweep.nc`` and
``sweep.xlsx``.

Only key figures travel back from a worker and are kept on disk (a few hundred numbers per
scenario, not the allocation), and nothing in them depends on when or where a scenario was
solved: no timings and no timestamps, so a serial and a parallel sweep write identical data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from fiscalshare.io.dataset import DOMAINS
from fiscalshare.quantities import WAN
from fiscalshare.sweep.folder import Record
from fiscalshare.sweep.plan import SweepPlan

SHORT_YUAN = 0.5  # a region counts as short when its shortfall exceeds this (solver tolerance)


def _domains(ds: xr.Dataset) -> list[str]:
    """The case's domains in the order of the policy's list (then any others, sorted)."""
    present = {str(d) for d in ds["domain"].values}
    return [d for d in DOMAINS if d in present] + sorted(present - set(DOMAINS))


def solved_figures(solved, inputs: xr.Dataset) -> xr.Dataset:
    """The figures sweep.nc holds for one solved scenario, from the optimum of
    :class:`fiscalshare.solve.reuse.KeptModel` (no results Dataset is built)."""
    domains = _domains(inputs)
    item_domain = inputs["domain"].values
    by_item = solved.shortfall.sum(axis=(0, 2))
    by_domain = np.array([by_item[item_domain == d].sum() for d in domains], dtype=float)
    equalisation = solved.equalisation.sum(axis=0).astype(float)
    regions_short = float((solved.shortfall.sum(axis=(1, 2)) > SHORT_YUAN).sum())
    scalar = lambda value: xr.Variable((), np.float64(value))  # noqa: E731
    return xr.Dataset({
        "objective_shortfall": scalar(solved.z1),
        "objective_cost": scalar(solved.z2),
        "provincial_money": xr.Variable("year", np.asarray(solved.provincial_money, float)),
        "equalisation": xr.Variable("year", equalisation),
        "equalisation_total": scalar(equalisation.sum()),
        "shortfall_by_domain": xr.Variable("domain", by_domain),
        "regions_short": scalar(regions_short),
        "provincial_share": xr.Variable(("tier", "item"), np.asarray(solved.share, float)),
        "extra_money_needed": scalar(np.nan),
    }, coords={"year": inputs["year"].values, "domain": np.array(domains, dtype=object),
               "tier": inputs["tier"].values, "item": inputs["item"].values})


def missing_figures(inputs: xr.Dataset) -> xr.Dataset:
    """The same figures as NaN, for a scenario without a solution."""
    nan = np.nan
    return xr.Dataset({
        "objective_shortfall": nan,
        "objective_cost": nan,
        "provincial_money": ("year", np.full(inputs.sizes["year"], nan)),
        "equalisation": ("year", np.full(inputs.sizes["year"], nan)),
        "equalisation_total": nan,
        "shortfall_by_domain": ("domain", np.full(len(_domains(inputs)), nan)),
        "regions_short": nan,
        "provincial_share": (("tier", "item"),
                             np.full((inputs.sizes["tier"], inputs.sizes["item"]), nan)),
        "extra_money_needed": nan,
    }, coords={"year": inputs["year"].values, "domain": _domains(inputs),
               "tier": inputs["tier"].values, "item": inputs["item"].values})


def record_figures(record: Record | None, inputs: xr.Dataset) -> xr.Dataset:
    if record is not None and record.figures is not None:
        return record.figures
    figures = missing_figures(inputs)
    extra = (record.diagnosis or {}).get("least_extra_money") if record is not None else None
    if extra is not None:
        figures["extra_money_needed"] = float(extra)
    return figures


def reference_spending(baseline: Record | None) -> dict[str, np.ndarray] | None:
    """What the baseline spends by year (a factor on an unlimited budget or pool applies to it)."""
    if baseline is None or baseline.figures is None:
        return None
    return {"provincial_money": baseline.figures["provincial_money"].values,
            "equalisation": baseline.figures["equalisation"].values}


def coordinate_name(key: str) -> str:
    """A key as a netCDF coordinate name (``:`` is not allowed there)."""
    return "vary_" + key.replace(":", "__")


def collect(plan: SweepPlan, records: dict[str, Record | None], inputs: xr.Dataset,
            baseline: Record | None) -> xr.Dataset:
    """sweep.nc: every scenario of the plan on a ``scenario`` dimension, in id order."""
    scenarios = sorted(plan.scenarios, key=lambda s: s.id)
    pieces = [record_figures(records.get(s.id), inputs) for s in scenarios]
    if pieces:
        sweep = xr.concat(pieces, dim="scenario", join="outer", coords="minimal",
                          compat="override", combine_attrs="drop")
    else:  # a tornado-only sweep
        sweep = missing_figures(inputs).expand_dims(scenario=1).isel(scenario=slice(0, 0))
    status = [records[s.id].status if records.get(s.id) else "missing" for s in scenarios]
    message = [records[s.id].message if records.get(s.id) else "" for s in scenarios]
    sweep = sweep.assign_coords(
        scenario=np.array([s.id for s in scenarios], dtype=object),
        scenario_name=("scenario", np.array([s.name for s in scenarios], dtype=object)),
        status=("scenario", np.array(status, dtype=object)),
        message=("scenario", np.array(message, dtype=object)),
    )
    for key in plan.keys:
        values = [str(s.changes[key]) if key in s.changes else "" for s in scenarios]
        sweep.coords[coordinate_name(key)] = ("scenario", np.array(values, dtype=object))
        sweep[coordinate_name(key)].attrs["key"] = key
    base = record_figures(baseline, inputs)
    sweep.attrs.update(
        case=str(inputs.attrs.get("case", "")), input_sha256=plan.input_sha256,
        province=str(inputs.attrs.get("province", "")),
        first_year=int(inputs.attrs.get("first_year", 0)),
        last_year=int(inputs.attrs.get("last_year", 0)),
        compiler=str(inputs.attrs.get("compiler", "")),
        model=plan.model, model_config=json.dumps(plan.config, ensure_ascii=False,
                                                  sort_keys=True),
        keys=json.dumps(plan.keys, ensure_ascii=False),
        baseline_status=baseline.status if baseline is not None else "missing",
        baseline_objective_shortfall=float(base["objective_shortfall"]),
        baseline_objective_cost=float(base["objective_cost"]),
    )
    _annotate(sweep)
    return sweep


_ANNOTATIONS = {
    "objective_shortfall": ("yuan (weighted)", "z1: least priority-weighted shortfall"),
    "objective_cost": ("yuan", "z2: least provincial money over the planning years"),
    "provincial_money": ("yuan", "co-financing plus equalisation paid by the province"),
    "equalisation": ("yuan", "equalisation transfers"),
    "equalisation_total": ("yuan", "equalisation transfers over the planning years"),
    "shortfall_by_domain": ("yuan", "shortfall against the standards, by domain"),
    "regions_short": ("regions", "receiving regions with any shortfall"),
    "provincial_share": ("1", "σ: provincial share of the sub-central remainder"),
    "extra_money_needed": ("yuan", "infeasible scenarios: least extra budget and pool that "
                                   "would meet the hard items"),
}


def _annotate(sweep: xr.Dataset) -> None:
    for name, (units, long_name) in _ANNOTATIONS.items():
        sweep[name].attrs.update(units=units, long_name=long_name)


def scenario_table(sweep: xr.Dataset, lang: str = "zh") -> pd.DataFrame:
    """sweep.xlsx: one row per scenario, its figures in 万元 and the differences from the
    baseline (whose figures are the sweep's attributes and the first row)."""
    from fiscalshare.report.labels import label, text_of

    keys = json.loads(sweep.attrs["keys"])
    statuses = [label(f"status_{s}", lang) for s in sweep["status"].values]
    frame = pd.DataFrame({label("sweep_scenario", lang): sweep["scenario"].values,
                          label("sweep_name", lang): sweep["scenario_name"].values,
                          label("sweep_status", lang): statuses})
    for key in keys:
        frame[key] = sweep[coordinate_name(key)].values
    base_z1 = sweep.attrs["baseline_objective_shortfall"]
    base_z2 = sweep.attrs["baseline_objective_cost"]
    frame[label("sweep_z1", lang)] = sweep["objective_shortfall"].values / WAN
    frame[label("sweep_z1_change", lang)] = (sweep["objective_shortfall"].values - base_z1) / WAN
    frame[label("sweep_z2", lang)] = sweep["objective_cost"].values / WAN
    frame[label("sweep_z2_change", lang)] = (sweep["objective_cost"].values - base_z2) / WAN
    for k, year in enumerate(sweep["year"].values):
        frame[label("sweep_money_year", lang).format(int(year))] = \
            sweep["provincial_money"].values[:, k] / WAN
    frame[label("sweep_equalisation", lang)] = sweep["equalisation_total"].values / WAN
    for k, domain in enumerate(sweep["domain"].values):
        frame[label("sweep_shortfall_domain", lang).format(text_of(domain, lang))] = \
            sweep["shortfall_by_domain"].values[:, k] / WAN
    frame[label("sweep_regions_short", lang)] = sweep["regions_short"].values
    frame[label("sweep_extra_money", lang)] = sweep["extra_money_needed"].values / WAN
    frame[label("sweep_message", lang)] = sweep["message"].values
    return frame


def baseline_table(sweep: xr.Dataset, baseline: xr.Dataset, lang: str = "zh") -> pd.DataFrame:
    """The baseline's own figures, laid out like a row of :func:`scenario_table`."""
    from fiscalshare.report.labels import label, text_of

    row = {label("sweep_scenario", lang): label("sweep_baseline", lang),
           label("sweep_name", lang): label("sweep_baseline_name", lang),
           label("sweep_status", lang): label(f"status_{sweep.attrs['baseline_status']}", lang)}
    row[label("sweep_z1", lang)] = float(baseline["objective_shortfall"]) / WAN
    row[label("sweep_z2", lang)] = float(baseline["objective_cost"]) / WAN
    for k, year in enumerate(baseline["year"].values):
        row[label("sweep_money_year", lang).format(int(year))] = \
            float(baseline["provincial_money"][k]) / WAN
    row[label("sweep_equalisation", lang)] = float(baseline["equalisation_total"]) / WAN
    for k, domain in enumerate(baseline["domain"].values):
        row[label("sweep_shortfall_domain", lang).format(text_of(domain, lang))] = \
            float(baseline["shortfall_by_domain"][k]) / WAN
    row[label("sweep_regions_short", lang)] = float(baseline["regions_short"])
    row[label("sweep_extra_money", lang)] = float(baseline["extra_money_needed"]) / WAN
    return pd.DataFrame([row])


def tornado_frame(tornado: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The tornado table in 万元 with the run's column labels."""
    from fiscalshare.report.labels import label

    shown = tornado.copy()
    for column in shown.columns[1:]:
        shown[column] = shown[column] / WAN
    shown.columns = [label(k, lang) for k in ("tornado_input", "tornado_low", "tornado_high",
                                              "tornado_low_change", "tornado_high_change")]
    return shown


def write_workbook(path: Path, sweep: xr.Dataset, baseline: xr.Dataset,
                   tornado: pd.DataFrame | None, lang: str = "zh",
                   extra_sheets: list[tuple[str, pd.DataFrame]] = ()) -> None:
    """sweep.xlsx: the scenarios (first row the baseline), the tornado table, what each key
    meant (and which had no effect), and an about sheet."""
    from fiscalshare.report.frames import FrameSheet, title_lines, write_frames
    from fiscalshare.report.labels import label
    from fiscalshare.sweep.folder import replace_file

    def money_of(frame):
        return [c for c in frame.columns if "万元" in str(c) or "10k yuan" in str(c)]

    table = scenario_table(sweep, lang)
    table = pd.concat([baseline_table(sweep, baseline, lang), table], ignore_index=True)
    table = table[[*scenario_table(sweep, lang).columns]]
    sheets = [FrameSheet(label("sweep_sheet_scenarios", lang), table, money=money_of(table),
                         keys=2)]
    if tornado is not None and len(tornado):
        shown = tornado_frame(tornado, lang)
        sheets.append(FrameSheet(label("sweep_sheet_tornado", lang), shown,
                                 money=list(shown.columns[1:])))
    for title, frame in extra_sheets:
        sheets.append(FrameSheet(title, frame, money=money_of(frame)))
    keys = json.loads(sweep.attrs["keys"])
    meanings = json.loads(sweep.attrs.get("meanings", "[]"))
    effects = json.loads(sweep.attrs.get("no_effect", "{}"))
    if keys:
        sheets.append(FrameSheet(label("sweep_sheet_keys", lang), pd.DataFrame({
            label("sweep_key", lang): keys,
            label("sweep_meaning", lang): [meanings[k] if k < len(meanings) else ""
                                           for k in range(len(keys))],
            label("sweep_no_effect", lang): [effects.get(k, "") for k in keys]})))
    about = pd.DataFrame({
        label("key", lang): [label(k, lang) for k in (
            "about_case", "about_input", "sweep_about_model", "sweep_about_config",
            "sweep_about_keys", "sweep_about_scenarios", "sweep_about_baseline",
            "about_money")],
        label("value", lang): [sweep.attrs["case"], sweep.attrs["input_sha256"],
                               sweep.attrs["model"], _config_in_words(sweep, lang),
                               ", ".join(keys), str(sweep.sizes["scenario"]),
                               label(f"status_{sweep.attrs['baseline_status']}", lang),
                               label("about_money_value", lang)]})
    sheets.append(FrameSheet(label("sheet_about", lang), about, max_text=70))
    config = json.loads(sweep.attrs.get("model_config", "{}"))
    lines = (label("sweep_title", lang),
             *title_lines(sweep.attrs, config, lang, run_date=datetime.now(UTC).isoformat()))
    period = label("period", lang).format(sweep.attrs.get("first_year", ""),
                                          sweep.attrs.get("last_year", ""))
    replace_file(path, lambda temp: write_frames(
        temp, title=str(sweep.attrs.get("province") or sweep.attrs.get("case", "")), lang=lang,
        sheets=sheets, lines=lines, footer=f"{sweep.attrs.get('case', '')} {period}"))


def _config_in_words(sweep: xr.Dataset, lang: str) -> str:
    """The baseline configuration as the 说明 of a run says it (not its JSON): how the shares
    are set, equalisation, and η."""
    from fiscalshare.report.labels import label, scenario_text

    try:
        config = json.loads(sweep.attrs.get("model_config", "{}"))
    except ValueError:
        config = {}
    eta = config.get("eta")
    words = scenario_text(config, lang)
    if eta is None:
        return words
    return f"{words}{'；' if lang == 'zh' else '; '}{label('about_eta', lang)} {float(eta):g}"
