//! `corridor sensitivity`: the ranked table of what drives each KPI, its CSV, and a
//! chart per KPI of the inputs ranked by μ* (Morris) or by total index (Sobol').

use super::charts::{Bar, ChartError, PALETTE, Swatch, Trellis, kpi_axis_label};
use crate::experiment::sensitivity::{KpiSensitivity, Sensitivity, SobolKpi};

fn number(x: f64) -> String {
    if !x.is_finite() {
        "—".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn wrap(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(100).initial_indent(first).subsequent_indent(rest);
    textwrap::wrap(text, options).iter().map(|l| format!("{l}\n")).collect()
}

/// The analysis as text: the inputs, then per KPI the factors ranked by μ* (Morris)
/// or by total index (Sobol').
pub fn text(s: &Sensitivity) -> String {
    if s.method == "sobol" {
        return sobol_text(s);
    }
    let head = format!(
        "Sensitivity of `{}` — Morris elementary effects: {} trajectories × {} input scenarios, {} replications \
         each (common random numbers, seed {}); {} input scenarios simulated",
        s.variant,
        s.trajectories,
        s.factors.len() + 1,
        s.replications,
        s.seed,
        s.points
    );
    let mut out = wrap(&head, "", "");
    out += "\nUncertain inputs (each moves over its whole range):\n";
    for f in &s.factors {
        out += &wrap(&format!("{}: {}", f.name, f.inputs.join("; ")), "  ", "      ");
    }
    for k in &s.kpis {
        out += &format!("\n{} (mean {}): change over each input's range\n", k.kpi, number(k.mean));
        if let Some(m) = crate::experiment::sensitivity::kpi_meaning(&k.kpi) {
            out += &wrap(&format!("({m})"), "", "");
        }
        out += &format!(
            "{:<28} {:>8} {:>17} {:>8} {:>8} {:>8}  {}\n",
            "input", "μ*", "95 % CI", "μ", "σ", "noise", "moves it"
        );
        out += &"-".repeat(94);
        out += "\n";
        for e in &k.effects {
            let name: String = e.factor.chars().take(28).collect();
            out += &format!(
                "{:<28} {:>8} {:>17} {:>8} {:>8} {:>8}  {}\n",
                name,
                number(e.mu_star),
                format!("{} – {}", number(e.mu_star_ci95[0]), number(e.mu_star_ci95[1])),
                number(e.mu),
                number(e.sigma),
                number(e.noise),
                if e.above_noise { "yes" } else { "no: noise" }
            );
        }
    }
    let legend = "μ*: mean absolute change of the KPI when the input moves over its whole range (Morris), with a \
            95 % interval that counts the spread over trajectories and the simulation noise; μ: the mean change, \
            with its sign; σ: how much the change varies (non-linearity, interaction with other inputs); noise: the \
            simulation standard error of one change. \"no: noise\": μ*'s interval reaches down to zero, so the input is not \
            told apart from simulation noise.";
    out += "\n";
    out += &wrap(legend, "", "");
    out
}

/// The Sobol' indices as text.
fn sobol_text(s: &Sensitivity) -> String {
    let head = format!(
        "Sensitivity of `{}` — Sobol' indices: {} base samples × ({} inputs + 2) = {} input scenarios, {} \
         replications each (common random numbers, seed {})",
        s.variant,
        s.trajectories,
        s.factors.len(),
        s.points,
        s.replications,
        s.seed
    );
    let mut out = wrap(&head, "", "");
    out += "\nUncertain inputs (each drawn uniformly over its range):\n";
    for f in &s.factors {
        out += &wrap(&format!("{}: {}", f.name, f.inputs.join("; ")), "  ", "      ");
    }
    for k in &s.sobol {
        out += &format!(
            "\n{} (mean {}, variance across input scenarios {}, simulation noise at most {:.0} % of it)\n",
            k.kpi,
            number(k.mean),
            number(k.variance),
            100.0 * k.noise_share
        );
        if let Some(m) = crate::experiment::sensitivity::kpi_meaning(&k.kpi) {
            out += &wrap(&format!("({m})"), "", "");
        }
        if k.indices.is_empty() {
            out += "  it does not vary across the input scenarios: no index is defined\n";
            continue;
        }
        out += &format!("{:<28} {:>8} {:>17} {:>8} {:>17}\n", "input", "first", "95 % CI", "total", "95 % CI");
        out += &"-".repeat(82);
        out += "\n";
        for e in &k.indices {
            let name: String = e.factor.chars().take(28).collect();
            let i = &e.index;
            out += &format!(
                "{:<28} {:>8} {:>17} {:>8} {:>17}\n",
                name,
                format!("{:.3}", i.first),
                format!("{:.3} – {:.3}", i.first_ci95[0], i.first_ci95[1]),
                format!("{:.3}", i.total),
                format!("{:.3} – {:.3}", i.total_ci95[0], i.total_ci95[1]),
            );
        }
    }
    let legend = "first: the share of the KPI's variance across the input scenarios that the input explains \
            alone (Saltelli 2010); total: the share left unexplained when every other input is known, the input \
            alone and in all its interactions (Jansen 1999); 95 % bootstrap intervals over the base samples. A \
            total well above the first says the input acts through interactions. The noise share bounds how much \
            of the variance is simulation noise rather than the inputs.";
    out += "\n";
    out += &wrap(legend, "", "");
    out
}

/// `sensitivity.csv`: one row per KPI and factor (Morris: μ*, μ, σ; Sobol': the
/// first-order and total indices).
///
/// # Errors
/// A CSV writer error (not expected with an in-memory buffer).
pub fn csv(s: &Sensitivity) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if s.method == "sobol" {
        w.write_record([
            "kpi",
            "input",
            "rank",
            "first",
            "first_ci95_lo",
            "first_ci95_hi",
            "total",
            "total_ci95_lo",
            "total_ci95_hi",
            "variance",
            "noise_share",
        ])?;
        for k in &s.sobol {
            for (rank, e) in k.indices.iter().enumerate() {
                let i = &e.index;
                w.write_record([
                    k.kpi.clone(),
                    e.factor.clone(),
                    (rank + 1).to_string(),
                    i.first.to_string(),
                    i.first_ci95[0].to_string(),
                    i.first_ci95[1].to_string(),
                    i.total.to_string(),
                    i.total_ci95[0].to_string(),
                    i.total_ci95[1].to_string(),
                    k.variance.to_string(),
                    k.noise_share.to_string(),
                ])?;
            }
        }
        return w.into_inner().map_err(|e| csv::Error::from(e.into_error()));
    }
    w.write_record([
        "kpi",
        "input",
        "rank",
        "mu_star",
        "mu_star_ci95_lo",
        "mu_star_ci95_hi",
        "mu",
        "sigma",
        "noise",
        "above_noise",
    ])?;
    for k in &s.kpis {
        for (rank, e) in k.effects.iter().enumerate() {
            w.write_record([
                k.kpi.clone(),
                e.factor.clone(),
                (rank + 1).to_string(),
                e.mu_star.to_string(),
                e.mu_star_ci95[0].to_string(),
                e.mu_star_ci95[1].to_string(),
                e.mu.to_string(),
                e.sigma.to_string(),
                e.noise.to_string(),
                e.above_noise.to_string(),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The inputs ranked by μ* for one KPI, largest first: a bar per input from zero to
/// μ*, coloured by the sign of μ (raises or lowers the KPI), with μ*'s 95 % interval.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn chart(k: &KpiSensitivity) -> Result<String, ChartError> {
    let (raises, lowers) = (PALETTE[1], PALETTE[0]);
    let bars = k
        .effects
        .iter()
        .map(|e| {
            let colour = if e.mu >= 0.0 { raises } else { lowers };
            Some(Bar { parts: vec![(e.mu_star, colour)], whisker: Some(e.mu_star_ci95), marker: None })
        })
        .collect();
    let title = format!("What moves {}: each uncertain input over its whole range", k.kpi);
    let x_label = format!("change of {} (Morris μ*)", kpi_axis_label(&k.kpi));
    Trellis {
        title: &title,
        x_label: &x_label,
        x_range: None,
        rows: k.effects.iter().map(|e| e.factor.clone()).collect(),
        panels: vec![(format!("mean over the input scenarios: {}", number(k.mean)), bars)],
        legend: vec![
            (Swatch::Fill(raises), "raises it (μ > 0)".into()),
            (Swatch::Fill(lowers), "lowers it (μ < 0)".into()),
            (Swatch::Whisker, "95 % interval (trajectories and simulation noise)".into()),
        ],
        reference: None,
        percent: false,
        columns: 1,
        panel_width: 460,
    }
    .render()
}

/// The inputs ranked by total Sobol' index for one KPI: a bar per input to its total
/// index, its first-order part darker, with the total's 95 % interval.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn sobol_chart(k: &SobolKpi) -> Result<String, ChartError> {
    let (alone, interacting) = (PALETTE[0], PALETTE[2]);
    let bars = k
        .indices
        .iter()
        .map(|e| {
            let first = e.index.first.clamp(0.0, e.index.total.max(0.0));
            let rest = (e.index.total - first).max(0.0);
            Some(Bar {
                parts: vec![(first, alone), (rest, interacting)],
                whisker: Some(e.index.total_ci95),
                marker: None,
            })
        })
        .collect();
    let title = format!("What the variance of {} comes from: Sobol' indices", k.kpi);
    let x_label = format!("share of the variance of {}", k.kpi);
    Trellis {
        title: &title,
        x_label: &x_label,
        x_range: Some((0.0, 1.0)),
        rows: k.indices.iter().map(|e| e.factor.clone()).collect(),
        panels: vec![(
            format!(
                "variance across the input scenarios {}; noise at most {:.0} % of it",
                number(k.variance),
                100.0 * k.noise_share
            ),
            bars,
        )],
        legend: vec![
            (Swatch::Fill(alone), "the input alone (first-order index)".into()),
            (Swatch::Fill(interacting), "in interactions (total less first-order)".into()),
            (Swatch::Whisker, "95 % interval of the total index".into()),
        ],
        reference: None,
        percent: false,
        columns: 1,
        panel_width: 460,
    }
    .render()
}

/// One chart per KPI, in the order given: (`sensitivity_<n>.svg`, SVG).
///
/// # Errors
/// [`ChartError`] when plotters cannot draw a chart.
pub fn charts(s: &Sensitivity) -> Result<Vec<(String, String)>, ChartError> {
    if s.method == "sobol" {
        return s
            .sobol
            .iter()
            .filter(|k| !k.indices.is_empty())
            .enumerate()
            .map(|(i, k)| Ok((format!("sensitivity_{}.svg", i + 1), sobol_chart(k)?)))
            .collect();
    }
    s.kpis.iter().enumerate().map(|(i, k)| Ok((format!("sensitivity_{}.svg", i + 1), chart(k)?))).collect()
}
