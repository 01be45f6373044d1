//! `corridor sensitivity`: the ranked table of what drives each KPI, its CSV, and a
//! chart per KPI of the inputs ranked by μ*.

use super::charts::{Bar, ChartError, PALETTE, Swatch, Trellis, kpi_axis_label};
use crate::experiment::sensitivity::{KpiSensitivity, Sensitivity};

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

/// The screening as text: the inputs, then per KPI the factors ranked by μ*.
pub fn text(s: &Sensitivity) -> String {
    let wrap = |text: &str, first: &str, rest: &str| -> String {
        let options = textwrap::Options::new(100).initial_indent(first).subsequent_indent(rest);
        textwrap::wrap(text, options).iter().map(|l| format!("{l}\n")).collect()
    };
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

/// `sensitivity.csv`: one row per KPI and factor.
///
/// # Errors
/// A CSV writer error (not expected with an in-memory buffer).
pub fn csv(s: &Sensitivity) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
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

/// One chart per KPI, in the order given: (`sensitivity_<n>.svg`, SVG).
///
/// # Errors
/// [`ChartError`] when plotters cannot draw a chart.
pub fn charts(s: &Sensitivity) -> Result<Vec<(String, String)>, ChartError> {
    s.kpis.iter().enumerate().map(|(i, k)| Ok((format!("sensitivity_{}.svg", i + 1), chart(k)?))).collect()
}
