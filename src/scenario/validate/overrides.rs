//! Variants and sweeps.

use super::*;

/// Variants (their parents, overrides, demand factors) and the sweep.
pub(super) fn check(c: &mut Checker<'_>) {
    let spec = c.spec;
    if spec.variants.len() > MAX_VARIANTS {
        c.issue(
            "variants".into(),
            format!("{} variants declared", spec.variants.len()),
            format!("at most {MAX_VARIANTS} variants in one file"),
        );
    }
    for (id, v) in &spec.variants {
        let p = format!("variants.{id}");
        for (i, parent) in v.extends.iter().enumerate() {
            if !spec.variants.contains_key(parent) {
                let names: Vec<&str> = spec.variants.keys().map(String::as_str).collect();
                c.issue(
                    format!("{p}.extends[{i}]"),
                    format!("unknown variant {parent:?}"),
                    format!("one of: {}", names.join(", ")),
                );
            }
        }
        if let Some(f) = v.demand_factor {
            c.number(format!("{p}.demand_factor"), f, 0.0, MAX_DEMAND_FACTOR, true);
        }
        for (path, f) in &v.scale {
            let before = c.issues.len();
            c.number(format!("{p}.scale.\"{path}\""), *f, 0.0, MAX_DEMAND_FACTOR, false);
            if let Some(issue) = c.issues.get_mut(before) {
                issue.location = Some(vec![
                    Segment::Key("variants".into()),
                    Segment::Key(id.clone()),
                    Segment::Key("scale".into()),
                    Segment::Key(path.clone()),
                ]);
            }
        }
        let tags = spec.demand_tags();
        for (i, tag) in v.demand_tags.iter().enumerate() {
            if !tags.contains(tag.as_str()) {
                c.issue(
                    format!("{p}.demand_tags[{i}]"),
                    format!("no flow or arrival has the tag {tag:?}"),
                    format!("one of: {}", tags.into_iter().collect::<Vec<_>>().join(", ")),
                );
                break;
            }
        }
    }
    if let Some(sweep) = &spec.sweep {
        if sweep.axes.is_empty() || sweep.axes.len() > 2 {
            c.issue("sweep.axes".into(), format!("{} axes given", sweep.axes.len()), "one or two `[[sweep.axes]]`");
        }
        let points = sweep.axes.iter().map(|a| a.values.len()).fold(1usize, |acc, n| acc.saturating_mul(n));
        if points > MAX_SWEEP_POINTS {
            c.issue(
                "sweep.axes".into(),
                format!("{points} points in the grid"),
                format!("at most {MAX_SWEEP_POINTS} points (the product of the axes' lengths)"),
            );
        }
        for (i, axis) in sweep.axes.iter().enumerate() {
            if axis.parameter == DEMAND_FACTOR {
                let tags = spec.demand_tags();
                if let Some((j, tag)) = axis.tags.iter().enumerate().find(|(_, t)| !tags.contains(t.as_str())) {
                    c.issue(
                        format!("sweep.axes[{i}].tags[{j}]"),
                        format!("no flow or arrival has the tag {tag:?}"),
                        format!("one of: {}", tags.into_iter().collect::<Vec<_>>().join(", ")),
                    );
                }
                for (j, value) in axis.values.iter().enumerate() {
                    match value.as_f64() {
                        Some(f) => c.number(format!("sweep.axes[{i}].values[{j}]"), f, 0.0, MAX_DEMAND_FACTOR, true),
                        None => c.issue(
                            format!("sweep.axes[{i}].values[{j}]"),
                            "a demand factor must be a number",
                            format!("a number above 0 and at most {MAX_DEMAND_FACTOR}"),
                        ),
                    }
                }
            } else if !axis.tags.is_empty() {
                c.issue(
                    format!("sweep.axes[{i}].tags"),
                    "`tags` belongs to a demand_factor axis",
                    "parameter = \"demand_factor\", or remove `tags`",
                );
            }
            if axis.values.is_empty() || axis.values.len() > MAX_SWEEP_VALUES {
                c.issue(
                    format!("sweep.axes[{i}].values"),
                    format!("{} values given", axis.values.len()),
                    format!("1 to {MAX_SWEEP_VALUES} values"),
                );
            }
        }
        if let Some(base) = &sweep.base
            && !spec.variants.contains_key(base)
        {
            c.issue("sweep.base".into(), format!("unknown variant {base:?}"), "the id of a variant in this file");
        }
    }
}
