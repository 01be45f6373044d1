//! `run --uncertain N` for reading: each variant's share of input scenarios in
//! which it is stable, and each headline KPI's spread across them beside its
//! simulation interval; as text and as `uncertain.csv`.

use crate::experiment::uncertainty::UncertainRun;

/// A number for a table: whole from 100, one decimal from 1, else three (NaN as "–").
pub(crate) fn figure(x: f64) -> String {
    if !x.is_finite() {
        "–".to_string()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// The readable table, in 100 columns.
pub fn text(run: &UncertainRun) -> String {
    let mut out = format!(
        "\nACROSS WHAT NOBODY KNOWS: {} input scenarios (Latin hypercube of {} uncertain {} from seed {}, each range uniform), {} replications each, common random numbers\n\n",
        run.scenarios,
        run.factors.len(),
        if run.factors.len() == 1 { "input" } else { "inputs (a group counts once)" },
        run.seed,
        run.replications
    );
    for v in &run.variants {
        let [lo, hi] = v.stable_share_ci95;
        let stable = v.stable.iter().filter(|s| **s).count();
        out += &format!(
            "{}: stable in {stable} of {} input scenarios ({:.0} %, 95 % CI {:.0}–{:.0} %)",
            v.variant,
            v.stable.len(),
            v.stable_share * 100.0,
            lo * 100.0,
            hi * 100.0
        );
        // Which way the unknowns push it over, where there are enough scenarios on
        // both sides to say: the three largest leans of at least a quarter of the range.
        let unstable = v.stable.len() - stable;
        let mut leans: Vec<(f64, &str)> = v
            .leans
            .iter()
            .zip(&run.factors)
            .filter(|(l, _)| l.abs() >= 0.25 && stable >= 3 && unstable >= 3)
            .map(|(l, f)| (*l, f.name.as_str()))
            .collect();
        leans.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        let pushes: Vec<String> = leans
            .iter()
            .take(3)
            .map(|(l, name)| format!("{} {name} ({:+.2})", if *l > 0.0 { "high" } else { "low" }, l))
            .collect();
        if !pushes.is_empty() {
            out += &format!("; not stable mostly with {}", pushes.join(", "));
        }
        out += "\n";
        out += &format!(
            "  {:<44} {:>22} {:>22} {:>8}\n",
            "KPI", "nominal [95 % CI sim.]", "inputs: median [10–90%]", "noise ±"
        );
        for k in &v.kpis {
            let nominal =
                format!("{} [{}, {}]", figure(k.nominal), figure(k.nominal_ci95[0]), figure(k.nominal_ci95[1]));
            let spread = format!("{} [{}, {}]", figure(k.median), figure(k.p10), figure(k.p90));
            let key: String = k.kpi.chars().take(44).collect();
            out += &format!("  {key:<44} {nominal:>22} {spread:>22} {:>8}\n", figure(k.noise_half_width));
        }
    }
    out += "\n(nominal: the file's values; inputs: the KPI's mean in each input scenario, its median and 10–90 % range; noise: the mean half-width of the simulation interval inside one input scenario. An input range spread far wider than the noise is what the interval of the nominal run does not show.)\n";
    out
}

/// `uncertain.csv`: a row per variant, KPI and input scenario, with the scenario's
/// factor positions, whether the variant was stable, and the KPI's mean there.
///
/// # Errors
/// The CSV cannot be formed.
pub fn csv(run: &UncertainRun) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["variant".to_string(), "kpi".into(), "scenario".into(), "stable".into(), "mean".into()];
    header.extend(run.factors.iter().map(|f| format!("at.{}", f.name)));
    header.extend(["nominal".into(), "nominal_ci95_lo".into(), "nominal_ci95_hi".into()]);
    w.write_record(&header)?;
    for v in &run.variants {
        for k in &v.kpis {
            for (i, (mean, x)) in k.means.iter().zip(&run.design).enumerate() {
                let mut row =
                    vec![v.variant.clone(), k.kpi.clone(), i.to_string(), v.stable[i].to_string(), mean.to_string()];
                row.extend(x.iter().map(f64::to_string));
                row.extend([k.nominal.to_string(), k.nominal_ci95[0].to_string(), k.nominal_ci95[1].to_string()]);
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `capacity --uncertain N` for reading: per variant, the sustainable factor's
/// distribution across the input scenarios, which unknowns move it, and what binds.
pub fn capacity_text(u: &crate::experiment::uncertainty::UncertainCapacity) -> String {
    let mut out = format!(
        "\nACROSS WHAT NOBODY KNOWS: the capacity search again in {} input scenarios (Latin hypercube of {} uncertain {} from seed {}, each range uniform), common random numbers\n",
        u.scenarios,
        u.factors.len(),
        if u.factors.len() == 1 { "input" } else { "inputs (a group counts once)" },
        u.seed,
    );
    for v in &u.variants {
        let at_least = v.answers.iter().filter(|a| a.at_least).count();
        let [lowest, highest] = v.range();
        out += &format!(
            "\n{}: sustainable factor ×{} as written; across the unknowns median ×{} (10–90 %: ×{} to ×{}; all: ×{} to ×{})",
            v.variant,
            factor(v.nominal),
            factor(v.median),
            factor(v.p10),
            factor(v.p90),
            factor(lowest),
            factor(highest),
        );
        if at_least > 0 {
            out += &format!("; in {at_least} the largest factor tried holds (an \"at least\")");
        }
        out += "\n";
        let chance = crate::experiment::uncertainty::beyond_chance(v.answers.len());
        let shown: Vec<String> = v.moved_by(&u.factors).iter().map(|(name, r)| format!("{name} ({r:+.2})")).collect();
        out += &format!(
            "  moved by (rank correlation of the input's position with the factor, shown where |ρ| ≥ {chance:.2}, beyond chance with {} scenarios): {}\n",
            v.answers.len(),
            if shown.is_empty() { "no unknown on its own".to_string() } else { shown.join(", ") }
        );
        let binds: Vec<String> = v.binding.iter().map(|(what, n)| format!("{what} in {n}")).collect();
        out += &format!("  binds: {}\n", binds.join(", "));
    }
    out
}

/// A demand factor to three decimals (NaN as "–").
fn factor(x: f64) -> String {
    if x.is_finite() { format!("{x:.3}") } else { "–".into() }
}
