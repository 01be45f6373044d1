//! What every chart must have, checked on its SVG: a title, axis labels with units,
//! and no text running off the canvas. The tests run it on every chart a run, a
//! sweep, a capacity search and a planning run write.

/// One `<text>` element of an SVG as plotters writes it.
#[derive(Debug, Clone, PartialEq)]
struct SvgText {
    x: f64,
    y: f64,
    font_size: f64,
    anchor: String,
    /// The vertical shift plotters gives: `0.76em` hangs the text from `y`, `0.5ex`
    /// centres it, `-0.5ex` sets it on `y`; none puts the baseline on `y`.
    dy: String,
    rotated: bool,
    content: String,
}

/// The value of attribute `name` in one start tag, if the tag has it.
pub(super) fn attribute<'s>(tag: &'s str, name: &str) -> Option<&'s str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The chart's labels; a label without its own `font-size` or `text-anchor` takes
/// the one on `root` (the `<svg>` start tag), where the charts state what most labels
/// share.
fn texts(svg: &str, root: &str) -> Vec<SvgText> {
    let root_size = attribute(root, "font-size").and_then(|v| v.parse::<f64>().ok());
    let root_anchor = attribute(root, "text-anchor");
    svg.split("<text")
        .skip(1)
        .filter_map(|part| {
            let (tag, rest) = part.split_once('>')?;
            let content = unescape(rest.split("</text>").next()?.trim());
            let number = |name: &str| attribute(tag, name).and_then(|v| v.parse::<f64>().ok());
            Some(SvgText {
                x: number("x")?,
                y: number("y")?,
                font_size: number("font-size").or(root_size).unwrap_or(12.0),
                anchor: attribute(tag, "text-anchor").or(root_anchor).unwrap_or("start").to_string(),
                dy: attribute(tag, "dy").unwrap_or_default().to_string(),
                rotated: attribute(tag, "transform").is_some_and(|t| t.contains("rotate")),
                content,
            })
        })
        .collect()
}

/// Whether an axis label states a unit: in parentheses (`wait (hours)`), or as a
/// share or percentage, or a calendar year.
fn has_unit(label: &str) -> bool {
    let parenthesised = label.find('(').is_some_and(|open| label[open..].contains(')'));
    parenthesised || label.contains('%') || label.contains("calendar year")
}

/// The problems of a chart, in words; empty when it has a title (the largest text,
/// at least 16 px, in the top 60 px), at least one axis label that states its unit,
/// and every text inside the canvas. Text extents are estimated at 0.55 em a
/// character, about the average of a sans-serif face.
pub fn layout_problems(svg: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let root = svg.split("<svg").nth(1).and_then(|s| s.split('>').next()).unwrap_or("");
    let (Some(width), Some(height)) = (
        attribute(root, "width").and_then(|w| w.parse::<f64>().ok()),
        attribute(root, "height").and_then(|h| h.parse::<f64>().ok()),
    ) else {
        return vec!["no width and height on the <svg> element".into()];
    };
    let texts = texts(svg, root);
    let largest = texts.iter().map(|t| t.font_size).fold(0.0, f64::max);
    let title =
        texts.iter().find(|t| t.font_size >= largest && t.font_size >= 16.0 && t.y < 60.0 && !t.content.is_empty());
    if title.is_none() {
        problems.push("no title (a text of at least 16 px at the top)".into());
    }
    let axis_labels: Vec<&SvgText> = texts
        .iter()
        .filter(|t| t.font_size < largest && t.content.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .filter(|t| has_unit(&t.content))
        .collect();
    if axis_labels.is_empty() {
        problems.push("no axis label states its unit (e.g. `wait (hours)`)".into());
    }
    for t in &texts {
        let length = t.content.chars().count() as f64 * t.font_size * 0.55;
        let (along_lo, along_hi) = match t.anchor.as_str() {
            "middle" => (-length / 2.0, length / 2.0),
            "end" => (-length, 0.0),
            _ => (0.0, length),
        };
        let f = t.font_size;
        let (across_lo, across_hi) = match t.dy.as_str() {
            "0.76em" => (0.0, f),
            "0.5ex" => (-0.5 * f, 0.5 * f),
            _ => (-f, 0.25 * f),
        };
        // Rotated labels (the y axis's) run upwards from their anchor.
        let (x0, x1, y0, y1) = if t.rotated {
            (t.x + across_lo, t.x + across_hi, t.y - along_hi, t.y - along_lo)
        } else {
            (t.x + along_lo, t.x + along_hi, t.y + across_lo, t.y + across_hi)
        };
        let slack = 2.0;
        if x0 < -slack || x1 > width + slack || y0 < -slack || y1 > height + slack {
            problems.push(format!(
                "text `{}` runs off the {width}×{height} canvas (about x {x0:.0}–{x1:.0}, y {y0:.0}–{y1:.0})",
                t.content
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<svg width="400" height="300" viewBox="0 0 400 300">
<text x="12" y="10" dy="0.76em" font-family="sans-serif" font-size="20">A title</text>
<text x="200" y="280" text-anchor="middle" font-size="12">wait for a berth (hours)</text>
<text x="15" y="150" text-anchor="middle" transform="rotate(270, 15, 150)" font-size="12">share of time (%)</text>
</svg>"#;

    #[test]
    fn a_good_chart_passes() {
        assert_eq!(layout_problems(GOOD), Vec::<String>::new());
    }

    #[test]
    fn a_missing_title_a_missing_unit_and_text_off_the_canvas_are_each_found() {
        let no_title = GOOD.replace("font-size=\"20\"", "font-size=\"12\"");
        assert!(layout_problems(&no_title).iter().any(|p| p.contains("no title")));
        let no_unit = GOOD.replace(" (hours)", "").replace(" (%)", "");
        assert!(layout_problems(&no_unit).iter().any(|p| p.contains("unit")));
        let off_right = GOOD.replace(r#"x="200" y="280""#, r#"x="390" y="280""#);
        assert!(
            layout_problems(&off_right).iter().any(|p| p.contains("runs off")),
            "{:?}",
            layout_problems(&off_right)
        );
        // Sizes and anchors stated once on the root count for every label without its own.
        let shared = GOOD
            .replace(r#"viewBox="0 0 400 300""#, r#"viewBox="0 0 400 300" font-size="12" text-anchor="end""#)
            .replace(r#"x="200" y="280" text-anchor="middle" font-size="12""#, r#"x="40" y="280""#);
        assert!(layout_problems(&shared).iter().any(|p| p.contains("runs off")), "{:?}", layout_problems(&shared));
        let off_top = GOOD.replace("rotate(270, 15, 150)", "rotate(270, 15, 40)").replace(r#"y="150""#, r#"y="40""#);
        assert!(layout_problems(&off_top).iter().any(|p| p.contains("runs off")));
    }
}
