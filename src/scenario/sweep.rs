//! The sweep a scenario declares: a grid of points over one or two axes, each point
//! the sweep's base variant with the axes' values set, resolved one at a time.

use super::*;

/// The sweep declared in a scenario: a grid of points resolved one at a time.
#[derive(Debug, Clone, Copy)]
pub struct Sweep<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) spec: &'a SweepSpec,
}

impl Sweep<'_> {
    /// Number of points (the product of the axes' lengths).
    pub fn len(&self) -> usize {
        self.spec.axes.iter().map(|a| a.values.len()).product()
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The declaration.
    pub fn spec(&self) -> &SweepSpec {
        self.spec
    }

    fn start(&self) -> Result<Table, ScenarioError> {
        let mut start = self.scenario.content().clone();
        if let Some(base) = &self.spec.base {
            variants::apply_variant(&mut start, &self.scenario.base.variants, base)
                .map_err(|e| ScenarioError::single(self.scenario.patch_diagnostic(e)))?;
        }
        Ok(start)
    }

    /// Point `index` (the last axis varies fastest).
    ///
    /// # Errors
    /// A value that cannot be set or makes the scenario invalid.
    pub fn point(&self, index: usize) -> Result<SweepPoint, ScenarioError> {
        self.point_from(self.start()?, index)
    }

    fn point_from(&self, mut doc: Table, index: usize) -> Result<SweepPoint, ScenarioError> {
        let scenario = self.scenario;
        let mut labels = Vec::new();
        let mut values = Vec::new();
        let mut rest = index;
        let mut picks = vec![0; self.spec.axes.len()];
        for (a, axis) in self.spec.axes.iter().enumerate().rev() {
            let n = axis.values.len().max(1);
            picks[a] = rest % n;
            rest /= n;
        }
        for (a, axis) in self.spec.axes.iter().enumerate() {
            let Some(value) = axis.values.get(picks[a]) else {
                continue;
            };
            if axis.parameter == schema::DEMAND_FACTOR {
                // Checked by validation: a number within range.
                variants::scale_demand(&mut doc, value.as_f64().unwrap_or(1.0), &axis.tags);
                labels.push(format!("{}={}", axis.parameter, value));
                values.push(value.as_f64().unwrap_or(f64::NAN));
                continue;
            }
            variants::set_path(&mut doc, &axis.parameter, value.to_toml()).map_err(|p| {
                let segments = [
                    Segment::Key("sweep".into()),
                    Segment::Key("axes".into()),
                    Segment::Index(a),
                    Segment::Key("parameter".into()),
                ];
                let mut span = diagnostics::locate_segments(&scenario.source.text, &segments, false);
                if let (Some(s), Some(offset)) = (span.clone(), p.offset) {
                    span = Some(diagnostics::narrow_to_char(&scenario.source.text, s, &axis.parameter, offset));
                }
                ScenarioError::single(scenario.source.at_span(
                    span,
                    &format!("sweep.axes[{a}].parameter"),
                    p.message,
                    Some("a dotted path to a field of this scenario".into()),
                ))
            })?;
            labels.push(format!("{}={}", axis.parameter, value));
            values.push(value.as_f64().unwrap_or(f64::NAN));
        }
        let label = labels.join(",");
        let spec = scenario.finish(doc, "sweep", &format!("sweep point {label}"), None)?;
        Ok(SweepPoint { label, values, spec })
    }

    pub(super) fn check_all(&self) -> Result<(), ScenarioError> {
        let start = self.start()?;
        for i in 0..self.len() {
            self.point_from(start.clone(), i)?;
        }
        Ok(())
    }
}
