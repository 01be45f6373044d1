//! Variants, sweeps, planning years, growth, dated changes, candidates and uncertain
//! inputs.

use super::super::schema::*;

impl VariantSpec {
    /// A variant that changes nothing yet.
    pub fn new() -> VariantSpec {
        VariantSpec::default()
    }

    /// Its description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Applies `parent` first.
    pub fn extends(mut self, parent: impl Into<String>) -> Self {
        self.extends.push(parent.into());
        self
    }

    /// Multiplies the demand of flows and arrivals (with one of `tags`, or all).
    pub fn demand_factor<S: Into<String>>(mut self, factor: f64, tags: impl IntoIterator<Item = S>) -> Self {
        self.demand_factor = Some(factor);
        self.demand_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the field at `path` (e.g. `"ports.east.berths.container.count"`) to `value`.
    pub fn set(mut self, path: impl Into<String>, value: impl Into<OverrideValue>) -> Self {
        self.set.insert(path.into(), value.into());
        self
    }

    /// Multiplies the number at `path` by `factor`.
    pub fn scale(mut self, path: impl Into<String>, factor: f64) -> Self {
        self.scale.insert(path.into(), factor);
        self
    }
}

impl SweepSpec {
    /// A grid over one or two `axes`, on the base scenario.
    pub fn new(axes: impl IntoIterator<Item = SweepAxis>) -> SweepSpec {
        SweepSpec { base: None, axes: axes.into_iter().collect(), kpi: None }
    }
}

optional_setters!(SweepSpec {
    /// The variant the grid is applied on top of (default: the base).
    base: String,
    /// The KPI key plotted against the first axis.
    kpi: String,
});

impl SweepAxis {
    /// The parameter at dotted path `parameter` takes each of `values`.
    pub fn new<V: Into<OverrideValue>>(parameter: impl Into<String>, values: impl IntoIterator<Item = V>) -> SweepAxis {
        SweepAxis {
            parameter: parameter.into(),
            values: values.into_iter().map(Into::into).collect(),
            tags: Vec::new(),
        }
    }

    /// Scales the demand of the flows and arrivals with one of `tags` (all, when none)
    /// by each of `factors`.
    pub fn demand_factor<S: Into<String>>(
        factors: impl IntoIterator<Item = f64>,
        tags: impl IntoIterator<Item = S>,
    ) -> SweepAxis {
        SweepAxis { tags: tags.into_iter().map(Into::into).collect(), ..SweepAxis::new(DEMAND_FACTOR, factors) }
    }
}

setters!(crate::scenario::PlanningSpec {
    /// The yearly rate at which `corridor plan` discounts costs to 1 January of the
    /// first year (default 0).
    discount_rate: f64,
    /// How the sea level moves a year (metres; negative when it falls): port depths
    /// follow it year by year.
    sea_level_m_per_year: f64,
});

impl crate::scenario::GrowthSpec {
    /// Compound growth reaching `factor` in `by_year` (from the first planning year,
    /// or from `base_year` when set).
    pub fn reach(factor: f64, by_year: i32) -> crate::scenario::GrowthSpec {
        crate::scenario::GrowthSpec { reach: Some(factor), by_year: Some(by_year), ..Default::default() }
    }

    /// Factors by year: a year takes the factor of the latest year listed up to it (1
    /// before the first).
    pub fn factors(years: impl IntoIterator<Item = (i32, f64)>) -> crate::scenario::GrowthSpec {
        let factors = years.into_iter().map(|(year, factor)| (year.to_string(), factor)).collect();
        crate::scenario::GrowthSpec { factors, ..Default::default() }
    }
}

optional_setters!(crate::scenario::GrowthSpec {
    /// The year whose factor is 1 (default: the first planning year).
    base_year: i32,
});

impl crate::scenario::ChangeSpec {
    /// A change taking effect on `date` (`"2027"`, `"2027-07"` or `"2027-07-01"`),
    /// enabled, that patches nothing yet.
    pub fn new(date: impl Into<String>) -> crate::scenario::ChangeSpec {
        crate::scenario::ChangeSpec { date: date.into(), enabled: true, ..Default::default() }
    }
}

patch_setters!(crate::scenario::ChangeSpec, " from the change's date on");
patch_setters!(crate::scenario::CandidateSpec, " when the candidate enters service");

setters!(crate::scenario::ChangeSpec {
    /// Whether it happens (variants switch it with `changes.<id>.enabled`).
    enabled: bool,
});

optional_setters!(crate::scenario::ChangeSpec {
    /// Free text.
    description: String,
});

optional_setters!(crate::scenario::CandidateSpec {
    /// Its display name (default: the id).
    name: String,
    /// Free text: what it is and where its cost comes from.
    description: String,
    /// The dated change (`[changes.<id>]`) it brings forward: its patches, entering
    /// service when the plan says.
    change: String,
});

impl crate::scenario::UncertainSpec {
    /// An input setting `path` anywhere in `[low, high]`, the range from a published
    /// `source`.
    pub fn range_from_source(
        path: impl Into<String>,
        low: f64,
        high: f64,
        source: impl Into<String>,
    ) -> crate::scenario::UncertainSpec {
        crate::scenario::UncertainSpec { reason: None, ..Self::range(path, low, high, "").source(source) }
    }

    /// An input multiplying the number at `path` by a factor in `[low, high]`, the
    /// range from a published `source`.
    pub fn factor_from_source(
        path: impl Into<String>,
        low: f64,
        high: f64,
        source: impl Into<String>,
    ) -> crate::scenario::UncertainSpec {
        crate::scenario::UncertainSpec { reason: None, ..Self::factor(path, low, high, "").source(source) }
    }
}

optional_setters!(crate::scenario::UncertainSpec {
    /// Where the range comes from (a published figure).
    source: String,
    /// Why the range, where no figure was found.
    reason: String,
});
