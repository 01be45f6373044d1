//! The checks of `[planning]`, `[growth]` and `[changes]`: the horizon, the growth
//! paths, and every dated change against the scenario it patches (what it may
//! change, and that the configurations it leads to stay compatible).

use super::*;

/// What a change's path may lead to, for messages.
pub(in crate::scenario) const CHANGEABLE_VALID: &str =
    "a path to a field of ports, nodes, links, services or pipelines";

/// A location as the dotted text shown in messages: `changes.x.set."ports.a.b"`.
pub(in crate::scenario) fn path_text(location: &[Segment]) -> String {
    let keys: Vec<String> = location.iter().map(ToString::to_string).collect();
    match keys.split_last() {
        Some((last, head)) if keys.len() == 4 => format!("{}.\"{last}\"", head.join(".")),
        _ => keys.join("."),
    }
}

pub(super) fn check_changeable(path: &str) -> Result<(), String> {
    let table = path.split(['.', '[']).next().unwrap_or("");
    if CHANGEABLE.contains(&table) && path.len() > table.len() + 1 {
        Ok(())
    } else {
        Err(format!(
            "{path:?} cannot be changed by a dated change or a candidate: they change capacity, in {}; demand grows by [growth]",
            CHANGEABLE.join(", ")
        ))
    }
}

/// The checks of `[planning]`, `[growth]` and `[changes]`.
pub(in crate::scenario) fn check(spec: &ScenarioSpec) -> Vec<Issue> {
    let issues = std::cell::RefCell::new(Vec::new());
    let issue = |path, message, valid: &str, location| push(&issues, path, message, valid, location);
    if let Some(year) = spec.scenario.start_year {
        if spec.planning.is_some() {
            issue(
                "scenario.start_year".into(),
                "a start year beside [planning]".into(),
                "no scenario.start_year: planning.start_year says when the run starts",
                None,
            );
        } else if !(1900..=2200).contains(&year) {
            issue("scenario.start_year".into(), format!("{year} is out of range"), "a year from 1900 to 2200", None);
        }
    }
    let Some(planning) = &spec.planning else {
        if !spec.growth.is_empty() {
            issue(
                "growth".into(),
                "growth paths need a planning horizon".into(),
                "a [planning] table with start_year and years",
                None,
            );
        }
        if !spec.changes.is_empty() && spec.scenario.start_year.is_none() {
            issue(
                "changes".into(),
                "dated changes need a calendar".into(),
                "a [planning] table with start_year and years, or scenario.start_year (the year the measured window opens on 1 January)",
                None,
            );
        }
        if issues.borrow().is_empty() && spec.scenario.start_year.is_some() {
            check_changes(spec, &issues);
        }
        return issues.into_inner();
    };
    if !(1900..=2200).contains(&planning.start_year) {
        issue(
            "planning.start_year".into(),
            format!("{} is out of range", planning.start_year),
            "a year from 1900 to 2200",
            None,
        );
    }
    if !(planning.discount_rate.is_finite() && (0.0..=1.0).contains(&planning.discount_rate)) {
        issue(
            "planning.discount_rate".into(),
            format!("{} is out of range", planning.discount_rate),
            "a rate from 0 to 1 (0.04 is 4 % a year)",
            None,
        );
    }
    if !(planning.sea_level_m_per_year.is_finite() && planning.sea_level_m_per_year.abs() <= 5.0) {
        issue(
            "planning.sea_level_m_per_year".into(),
            format!("{} is out of range", planning.sea_level_m_per_year),
            "metres a year from -5 to 5 (the Caspian falls about 0.2-0.3 m a year)",
            None,
        );
    }
    if planning.years == 0 || planning.years > MAX_PLANNING_YEARS {
        issue(
            "planning.years".into(),
            format!("{} is out of range", planning.years),
            &format!("a whole number from 1 to {MAX_PLANNING_YEARS}"),
            None,
        );
    } else {
        let days = f64::from(planning.years) * DAYS_PER_YEAR;
        if spec.scenario.horizon_days != days {
            issue(
                "scenario.horizon_days".into(),
                format!(
                    "{} days do not make {} planning years of 365 days",
                    spec.scenario.horizon_days, planning.years
                ),
                &format!("horizon_days = {days}"),
                None,
            );
        }
    }
    let tags = spec.demand_tags();
    for (tag, g) in &spec.growth {
        let at = |field: &str| format!("growth.{tag}.{field}");
        if !tags.contains(tag.as_str()) {
            let known: Vec<&str> = tags.iter().copied().collect();
            issue(
                format!("growth.{tag}"),
                format!("no flow or arrival stream has the tag {tag:?}"),
                &format!("one of the tags: {}", known.join(", ")),
                None,
            );
        }
        let forms =
            usize::from(!g.factors.is_empty()) + usize::from(g.annual_rate.is_some()) + usize::from(g.reach.is_some());
        if forms != 1 {
            issue(
                format!("growth.{tag}"),
                format!("{forms} kinds of growth given"),
                "exactly one of: factors; annual_rate; reach with by_year",
                None,
            );
        }
        if let Some(r) = g.annual_rate
            && !(r.is_finite() && r > -1.0 && r <= 10.0)
        {
            issue(
                at("annual_rate"),
                format!("{r} is out of range"),
                "a rate > -1 and <= 10 (0.2 is +20 % a year)",
                None,
            );
        }
        if let Some(reach) = g.reach {
            if !(reach.is_finite() && reach > 0.0 && reach <= 1000.0) {
                issue(at("reach"), format!("{reach} is out of range"), "a factor > 0 and <= 1000", None);
            }
            match g.by_year {
                None => {
                    issue(at("reach"), "reach needs by_year".into(), "by_year = the year the factor is reached", None)
                }
                Some(by) if by == g.base_year.unwrap_or(planning.start_year) => issue(
                    at("by_year"),
                    format!("{by} is the base year itself"),
                    "a year other than the base year (base_year, or the first planning year)",
                    None,
                ),
                Some(_) => {}
            }
        } else if g.by_year.is_some() {
            issue(at("by_year"), "by_year without reach".into(), "reach = the factor reached in by_year", None);
        }
        if let Some(base) = g.base_year
            && !(1900..=2200).contains(&base)
        {
            issue(at("base_year"), format!("{base} is out of range"), "a year from 1900 to 2200", None);
        }
        // A path that reaches an absurd factor inside the horizon (11 a year for a
        // century, say) is refused where the year it crosses the cap is named.
        if forms == 1
            && g.base_year.is_none_or(|b| (1900..=2200).contains(&b))
            && let Some((year, factor)) = planning
                .calendar()
                .into_iter()
                .map(|y| (y, g.factor(y, planning.start_year)))
                .find(|(_, f)| !(f.is_finite() && *f <= MAX_GROWTH_FACTOR))
        {
            issue(
                format!("growth.{tag}"),
                format!(
                    "the demand factor reaches {} in {year}",
                    if !factor.is_finite() {
                        "infinity".to_string()
                    } else if factor >= 1e6 {
                        format!("{factor:.3e}")
                    } else {
                        format!("{factor:.1}")
                    }
                ),
                &format!("a path whose factor stays within {MAX_GROWTH_FACTOR} in every planning year"),
                None,
            );
        }
        for (year, f) in &g.factors {
            if year.trim().parse::<i32>().map_or(true, |y| !(1900..=2200).contains(&y)) {
                issue(
                    at("factors"),
                    format!("{year:?} is not a year"),
                    "years from 1900 to 2200 as keys, e.g. \"2027\" = 1.4",
                    None,
                );
            }
            if !(f.is_finite() && *f >= 0.0 && *f <= 1000.0) {
                issue(
                    format!("{}.\"{year}\"", at("factors")),
                    format!("{f} is out of range"),
                    "a factor >= 0 and <= 1000",
                    None,
                );
            }
        }
    }
    let grown = |tags: &[String]| tags.iter().filter(|t| spec.growth.contains_key(*t)).cloned().collect::<Vec<_>>();
    for (id, f) in &spec.flows {
        let g = grown(&f.tags);
        if g.len() > 1 {
            issue(
                format!("flows.{id}.tags"),
                format!("tags {} all have growth paths", g.join(", ")),
                "at most one tag with a growth path per flow",
                None,
            );
        }
    }
    for (id, a) in &spec.ship_arrivals {
        let g = grown(&a.tags);
        if g.len() > 1 {
            issue(
                format!("ship_arrivals.{id}.tags"),
                format!("tags {} all have growth paths", g.join(", ")),
                "at most one tag with a growth path",
                None,
            );
        }
    }
    check_changes(spec, &issues);
    issues.into_inner()
}

/// Adds an issue at `path` (with what would be valid, when there is something to say).
fn push(
    issues: &std::cell::RefCell<Vec<Issue>>,
    path: String,
    message: String,
    valid: &str,
    location: Option<Vec<Segment>>,
) {
    issues.borrow_mut().push(Issue { path, message, valid: (!valid.is_empty()).then(|| valid.to_string()), location });
}

/// The checks of `[changes]`, against the calendar they fall in (`[planning]`'s, or
/// `scenario.start_year` and the horizon).
fn check_changes(spec: &ScenarioSpec, issues: &std::cell::RefCell<Vec<Issue>>) {
    let issue = |path, message, valid: &str, location| push(issues, path, message, valid, location);
    if spec.changes.len() > MAX_CHANGES {
        issue("changes".into(), format!("{} changes", spec.changes.len()), &format!("at most {MAX_CHANGES}"), None);
        return;
    }
    let Some((start_year, horizon)) = spec.change_calendar() else { return };
    let last_day = if spec.planning.is_some() { "the planning horizon" } else { "the horizon" };
    // Clamped: a horizon or start year out of range has its own issue already.
    let years_after = ((horizon / DAYS_PER_YEAR).ceil() - 1.0).clamp(0.0, 1e6) as i32;
    let last_year = start_year.saturating_add(years_after);
    for (id, c) in &spec.changes {
        if let Err(m) = parse_date(&c.date) {
            issue(format!("changes.{id}.date"), m, "\"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"", None);
        } else if c.enabled && !c.from_plan && spec.day_of(&c.date).is_some_and(|d| d >= horizon) {
            issue(
                format!("changes.{id}.date"),
                format!("{} is after {last_day}: the change would never happen", c.date),
                &format!("a date before the end of {last_year}, or enabled = false"),
                None,
            );
        }
        if c.is_empty() {
            issue(format!("changes.{id}"), "the change changes nothing".into(), "set, scale or add entries", None);
        }
    }
    // Every change's paths, enabled or not, must lead somewhere in this scenario (a
    // variant may switch a change on): each entry is tried alone on the base.
    if let Ok(base) = toml::Table::try_from(spec) {
        for (id, c) in &spec.changes {
            for p in c.entry_problems(&base, "changes", id) {
                issue(path_text(&p.location), p.message, CHANGEABLE_VALID, Some(p.location));
            }
        }
    }
    if !issues.borrow().is_empty() {
        return;
    }
    let timeline = match spec.timeline() {
        Ok(t) => t,
        // The scenario itself holds a figure a TOML document cannot (a seed above
        // 2⁶³ − 1): the scenario's own checks name the field.
        Err(ChangeProblem { change: id, .. }) if id.is_empty() => return,
        Err(ChangeProblem { change: id, location, message }) => {
            issue(
                format!("changes.{id}"),
                message,
                "a path to a field of ports, nodes, links, services or pipelines",
                Some(location),
            );
            return;
        }
    };
    // Changes dated on or before the first day shape the starting configuration.
    if spec.changes.values().any(|c| c.enabled && spec.day_of(&c.date).is_some_and(|d| d <= 0.0)) {
        for i in crate::scenario::validate::check(&timeline[0].1) {
            issue(
                "changes".into(),
                format!("with the changes dated from the start, {}: {}", i.path, i.message),
                i.valid.as_deref().unwrap_or(""),
                None,
            );
        }
    }
    for pair in timeline.windows(2) {
        let (before, (day, after)) = (&pair[0].1, (&pair[1].0, &pair[1].1));
        let culprit = spec
            .changes
            .iter()
            .filter(|(_, c)| c.enabled && spec.day_of(&c.date).map(|d| d.max(0.0)) == Some(*day))
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let path = format!("changes.{}", culprit.split(", ").next().unwrap_or(""));
        for problem in incompatibilities(before, after) {
            issue(
                path.clone(),
                format!("change {culprit}: {problem}"),
                "changes of capacity that keep the network's shape and do not shrink fleets",
                None,
            );
        }
        for i in crate::scenario::validate::check(after) {
            issue(
                path.clone(),
                format!("after change {culprit}, {}: {}", i.path, i.message),
                i.valid.as_deref().unwrap_or(""),
                None,
            );
        }
    }
}

/// What a change may not do between two configurations (see the module docs).
fn incompatibilities(a: &ScenarioSpec, b: &ScenarioSpec) -> Vec<String> {
    let mut out = Vec::new();
    let same_keys = |what: &str, x: Vec<&String>, y: Vec<&String>, out: &mut Vec<String>| {
        if x != y {
            out.push(format!("the {what} are not the same before and after it"));
        }
    };
    same_keys("ports", a.ports.keys().collect(), b.ports.keys().collect(), &mut out);
    for (id, p) in &a.ports {
        if let Some(q) = b.ports.get(id)
            && p.berths.keys().collect::<Vec<_>>() != q.berths.keys().collect::<Vec<_>>()
        {
            out.push(format!("the berth classes of port {id} change (set a count instead)"));
        }
    }
    same_keys("nodes", a.nodes.keys().collect(), b.nodes.keys().collect(), &mut out);
    for (id, n) in &a.nodes {
        if b.nodes.get(id).is_some_and(|m| m.kind != n.kind) {
            out.push(format!("node {id} changes kind"));
        }
    }
    same_keys("sea links", a.sea_links.keys().collect(), b.sea_links.keys().collect(), &mut out);
    same_keys("rail links", a.rail_links.keys().collect(), b.rail_links.keys().collect(), &mut out);
    for (id, l) in &a.sea_links {
        if b.sea_links.get(id).is_some_and(|m| m.between != l.between) {
            out.push(format!("sea link {id} changes its ends"));
        }
    }
    for (id, l) in &a.rail_links {
        if b.rail_links.get(id).is_some_and(|m| m.between != l.between) {
            out.push(format!("rail link {id} changes its ends"));
        }
    }
    same_keys("ship services", a.ship_services.keys().collect(), b.ship_services.keys().collect(), &mut out);
    for (id, s) in &a.ship_services {
        let Some(t) = b.ship_services.get(id) else { continue };
        if t.route != s.route || t.class != s.class || t.deck != s.deck || !t.slots.keys().eq(s.slots.keys()) {
            out.push(format!("ship service {id} changes its route, class or units"));
        }
        if (t.vessels == 0) != (s.vessels == 0) {
            out.push(format!("ship service {id} starts or stops running (give it vessels from the start)"));
        }
        if t.vessels < s.vessels {
            out.push(format!("ship service {id} loses vessels ({} → {}); fleets may only grow", s.vessels, t.vessels));
        }
    }
    same_keys("train services", a.train_services.keys().collect(), b.train_services.keys().collect(), &mut out);
    for (id, s) in &a.train_services {
        let Some(t) = b.train_services.get(id) else { continue };
        if t.route != s.route || t.departure != s.departure {
            out.push(format!("train service {id} changes its route or departure policy"));
        }
        if (t.trainsets == 0) != (s.trainsets == 0) {
            out.push(format!("train service {id} starts or stops running (give it trainsets from the start)"));
        }
        if t.trainsets < s.trainsets {
            out.push(format!(
                "train service {id} loses trainsets ({} → {}); fleets may only grow",
                s.trainsets, t.trainsets
            ));
        }
    }
    same_keys("pipelines", a.pipelines.keys().collect(), b.pipelines.keys().collect(), &mut out);
    for (id, p) in &a.pipelines {
        if b.pipelines.get(id).is_some_and(|q| q.route != p.route) {
            out.push(format!("pipeline {id} changes its route"));
        }
    }
    out
}
