//! The SVG text plotters writes, made smaller without changing a pixel: defaults and
//! excess digits dropped, text that draws nothing dropped, bars of one colour as
//! one path where no bar between them overlaps, straight runs of a polyline cut to
//! their ends, lines and polylines written as paths with relative coordinates
//! (consecutive ones of the same style in one path where that changes no pixel), and
//! the text properties most labels share stated once on the root. `tests` below and
//! `tests/report.rs` (the browser) check it; the bundled report's charts rendered
//! before and after, by `rsvg-convert` and inline in Chromium, were compared pixel by
//! pixel.

/// The SVG without what changes nothing on screen: `opacity="1"` (the default),
/// font sizes to two decimals, and the middle points of straight runs of a polyline
/// (plotters writes whole pixels, so a run is straight exactly). A flat stretch of a
/// yard's stock, a week or a year long, becomes two points.
pub(super) fn compact_svg(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(['o', 'f', 'p']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("opacity=\"1\" ") {
            rest = after;
        } else if let Some((size, after)) = attribute(rest, "font-size=\"") {
            match size.parse::<f64>() {
                Ok(x) => out.push_str(&format!("font-size=\"{}\"", (x * 100.0).round() / 100.0)),
                Err(_) => out.push_str(&format!("font-size=\"{size}\"")),
            }
            rest = after;
        } else if let Some((points, after)) = attribute(rest, "points=\"") {
            out.push_str("points=\"");
            out.push_str(&straighten(points));
            out.push('"');
            rest = after;
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The value of the attribute `rest` starts with (`name` ends with its opening quote)
/// and what follows its closing quote.
fn attribute<'s>(rest: &'s str, name: &str) -> Option<(&'s str, &'s str)> {
    let value = rest.strip_prefix(name)?;
    let end = value.find('"')?;
    Some((&value[..end], &value[end + 1..]))
}

/// A polyline's `points` without the middle points of collinear runs; any text that
/// is not whole-number pairs is left as it is.
fn straighten(points: &str) -> String {
    let parsed: Option<Vec<(i64, i64)>> = points
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect();
    let Some(parsed) = parsed.filter(|p| p.len() > 2) else { return points.to_string() };
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(parsed.len());
    for &p in &parsed {
        if kept.last() == Some(&p) {
            continue;
        }
        if kept.len() >= 2 {
            let (a, b) = (kept[kept.len() - 2], kept[kept.len() - 1]);
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            let onward = (b.0 - a.0) * (p.0 - b.0) + (b.1 - a.1) * (p.1 - b.1) >= 0;
            if cross == 0 && onward {
                kept.pop();
            }
        }
        kept.push(p);
    }
    kept.iter().map(|(x, y)| format!("{x},{y} ")).collect()
}

/// The SVG with every `<line>` and `<polyline>` (whole-number coordinates, as
/// plotters writes them) as a `<path>`: `M` to its first point, then relative moves
/// (`h`, `v` or `l`). Consecutive ones of exactly the same style share one path, one
/// subpath each, where that changes no pixel:
/// - with a dash pattern, never (it would run on across subpaths in some renderers);
/// - with an opacity, only straight horizontal or vertical segments whose pixels do
///   not meet (where they met, the overlap would blend once, not twice);
/// - opaque black strokes also across labels in plain black between them, which are
///   then written after the path: one opaque colour painted over itself looks the
///   same in either order.
///
/// A rectangle's `stroke="none"` (the default) is dropped. Anything else, and any
/// element this does not read, is left as it is.
pub(super) fn strokes_as_paths(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() / 2);
    let mut group: Option<StrokeGroup> = None;
    // Black labels passed over by a group of black strokes, written after its path.
    let mut passed_labels = String::new();
    let mut in_passed_label = false;
    let flush = |out: &mut String, group: &mut Option<StrokeGroup>, passed: &mut String| {
        if let Some(g) = group.take() {
            out.push_str(&format!("<path fill=\"none\" {} d=\"{}\"/>\n", g.style, g.d));
        }
        out.push_str(passed);
        passed.clear();
    };
    for line in svg.split_inclusive('\n') {
        let element = line.trim_end_matches('\n');
        if in_passed_label {
            passed_labels.push_str(line);
            in_passed_label = !element.contains("</text>");
            continue;
        }
        if let Some(stroke) = stroke_of(element) {
            let joined = match &mut group {
                Some(g) => g.join(&stroke),
                None => false,
            };
            if !joined {
                flush(&mut out, &mut group, &mut passed_labels);
                group = Some(StrokeGroup::new(stroke));
            }
            continue;
        }
        if group.as_ref().is_some_and(StrokeGroup::is_opaque_black) && is_plain_black_label(element) {
            passed_labels.push_str(line);
            in_passed_label = !element.contains("</text>");
            continue;
        }
        flush(&mut out, &mut group, &mut passed_labels);
        if element.starts_with("<rect ") && element.ends_with(" stroke=\"none\"/>") {
            out.push_str(&element[..element.len() - " stroke=\"none\"/>".len()]);
            out.push_str("/>");
            out.push_str(&line[element.len()..]);
        } else {
            out.push_str(line);
        }
    }
    flush(&mut out, &mut group, &mut passed_labels);
    out
}

/// Whether a line opens a `<text>` painted in the default black: no fill, stroke,
/// opacity or style of its own (the charts' root sets none).
fn is_plain_black_label(element: &str) -> bool {
    let Some(tag) = element.strip_prefix("<text ") else { return false };
    let tag = tag.split('>').next().unwrap_or(tag);
    !["fill=", "stroke", "opacity", "style=", "class="].iter().any(|a| tag.contains(a))
}

/// One line or polyline read by [`stroke_of`]: its style, its path data and its points.
struct Stroke {
    style: String,
    d: String,
    points: Vec<(i64, i64)>,
}

/// Strokes of one style drawn as one path, with the pixels its straight segments
/// cover (only kept for styles with an opacity).
struct StrokeGroup {
    style: String,
    d: String,
    footprints: Vec<[i64; 4]>,
}

impl StrokeGroup {
    fn new(stroke: Stroke) -> StrokeGroup {
        let footprints = footprint(&stroke).into_iter().collect();
        StrokeGroup { style: stroke.style, d: stroke.d, footprints }
    }

    fn is_opaque_black(&self) -> bool {
        self.style.contains("stroke=\"#000000\"")
            && !self.style.contains("opacity")
            && !self.style.contains("dasharray")
    }

    /// Adds the stroke to this path if [`strokes_as_paths`] allows it.
    fn join(&mut self, stroke: &Stroke) -> bool {
        if stroke.style != self.style || self.style.contains("dasharray") {
            return false;
        }
        if self.style.contains("opacity") {
            let Some(pixels) = footprint(stroke) else { return false };
            if self.footprints.iter().any(|f| meets(f, &pixels)) {
                return false;
            }
            self.footprints.push(pixels);
        }
        self.d.push_str(&stroke.d);
        true
    }
}

/// The pixels (`[x0, y0, x1, y1)`, whole pixels, widened by half the stroke width on
/// every side) a straight horizontal or vertical two-point stroke can touch; `None`
/// for any other stroke or a width that is not read.
fn footprint(stroke: &Stroke) -> Option<[i64; 4]> {
    let [(x1, y1), (x2, y2)] = stroke.points.as_slice() else { return None };
    if x1 != x2 && y1 != y2 {
        return None;
    }
    let width: f64 = match super::check::attribute(&format!(" {}", stroke.style), "stroke-width") {
        Some(w) => w.parse().ok().filter(|w: &f64| w.is_finite() && *w >= 0.0)?,
        None => 1.0,
    };
    let half = width / 2.0;
    let (lo_x, hi_x) = (*x1.min(x2) as f64 - half, *x1.max(x2) as f64 + half);
    let (lo_y, hi_y) = (*y1.min(y2) as f64 - half, *y1.max(y2) as f64 + half);
    Some([lo_x.floor() as i64, lo_y.floor() as i64, hi_x.ceil() as i64, hi_y.ceil() as i64])
}

/// Whether two pixel footprints share a pixel.
fn meets(a: &[i64; 4], b: &[i64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// A one-line `<line .../>` or `<polyline .../>` read as its style (every attribute
/// but the coordinates and a polyline's `fill="none"`, in order) and its path data;
/// `None` for anything else, or coordinates that are not whole numbers.
fn stroke_of(element: &str) -> Option<Stroke> {
    let (kind, rest) = if let Some(rest) = element.strip_prefix("<line ") {
        ("line", rest)
    } else {
        ("polyline", element.strip_prefix("<polyline ")?)
    };
    let rest = rest.strip_suffix("/>")?;
    let mut style = Vec::new();
    let mut points: Vec<(i64, i64)> = Vec::new();
    let mut ends = [None::<i64>; 4];
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        let name = name.trim();
        match (kind, name) {
            ("line", "x1" | "y1" | "x2" | "y2") => {
                let at = ["x1", "y1", "x2", "y2"].iter().position(|n| *n == name)?;
                ends[at] = Some(value.parse().ok()?);
            }
            ("polyline", "points") => {
                for p in value.split_whitespace() {
                    let (x, y) = p.split_once(',')?;
                    points.push((x.parse().ok()?, y.parse().ok()?));
                }
            }
            ("polyline", "fill") if value == "none" => {}
            ("polyline", "fill") => return None,
            _ => style.push(format!("{name}=\"{value}\"")),
        }
        rest = after.trim_start();
    }
    if kind == "line" {
        let [Some(x1), Some(y1), Some(x2), Some(y2)] = ends else { return None };
        points = vec![(x1, y1), (x2, y2)];
    }
    let (first, onward) = points.split_first()?;
    let mut d = format!("M{} {}", first.0, first.1);
    let mut at = *first;
    for &(x, y) in onward {
        let (dx, dy) = (x - at.0, y - at.1);
        match (dx, dy) {
            (_, 0) => d.push_str(&format!("h{dx}")),
            (0, _) => d.push_str(&format!("v{dy}")),
            _ if dy < 0 => d.push_str(&format!("l{dx}{dy}")),
            _ => d.push_str(&format!("l{dx} {dy}")),
        }
        at = (x, y);
    }
    Some(Stroke { style: style.join(" "), d, points })
}

/// The SVG without text that draws nothing: a `<text>` whose content is only white
/// space (plotters writes one for every empty label), and the `fill="#000000"` of the
/// rest (black is SVG's default fill, and no style of the report sets one).
pub(super) fn tidy_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("<text ") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (Some(open_end), Some(close)) = (rest.find('>'), rest.find("</text>")) else { break };
        if close < open_end {
            break;
        }
        let open = &rest[..=open_end];
        let content = &rest[open_end + 1..close];
        let after = &rest[close + "</text>".len()..];
        if content.trim().is_empty() {
            rest = after.strip_prefix('\n').unwrap_or(after);
            continue;
        }
        out.push_str(&open.replacen(" fill=\"#000000\"", "", 1));
        out.push_str(content);
        out.push_str("</text>");
        rest = after;
    }
    out.push_str(rest);
    out
}

/// One `<rect x y width height fill/>` line with whole-number geometry.
struct Rect<'s> {
    line: &'s str,
    fill: &'s str,
    x: i64,
    y: i64,
    w: i64,
    h: i64,
}

impl Rect<'_> {
    /// Whether the interiors of the two rectangles meet.
    fn overlaps(&self, other: &Rect<'_>) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// Reads a line that is exactly `<rect x="…" y="…" width="…" height="…" fill="…"/>`
/// with whole numbers (what plotters writes for bars once defaults are dropped).
fn rect_of(line: &str) -> Option<Rect<'_>> {
    let mut rest = line.strip_prefix("<rect ")?.strip_suffix("/>")?;
    let mut values = [0i64; 4];
    for (i, name) in ["x", "y", "width", "height"].iter().enumerate() {
        let (value, after) = attribute(rest.trim_start(), &format!("{name}=\""))?;
        values[i] = value.parse().ok()?;
        rest = after;
    }
    let (fill, after) = attribute(rest.trim_start(), "fill=\"")?;
    if !after.trim().is_empty() || !fill.starts_with('#') {
        return None;
    }
    let [x, y, w, h] = values;
    Some(Rect { line, fill, x, y, w, h })
}

/// The SVG with runs of consecutive opaque rectangles (bars) drawn as one path per
/// colour where that changes no pixel: a rectangle of no area is dropped, and one
/// joins the path of an earlier rectangle of its colour only when it overlaps none of
/// the rectangles of other colours that would then be painted after it instead of
/// before. With whole-number corners no pixel is shared by two rectangles that do not
/// overlap, so the order among them is invisible.
pub(super) fn rects_as_paths(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut run: Vec<Rect<'_>> = Vec::new();
    for line in svg.split_inclusive('\n') {
        match rect_of(line.trim_end_matches('\n')) {
            Some(r) => run.push(r),
            None => {
                write_rects(&mut out, &mut run);
                out.push_str(line);
            }
        }
    }
    write_rects(&mut out, &mut run);
    out
}

/// Writes a run of rectangles grouped as [`rects_as_paths`] says, and empties it.
fn write_rects(out: &mut String, run: &mut Vec<Rect<'_>>) {
    let mut groups: Vec<Vec<Rect<'_>>> = Vec::new();
    for r in run.drain(..).filter(|r| r.w > 0 && r.h > 0) {
        let joins = groups
            .iter()
            .rposition(|g| g[0].fill == r.fill)
            .filter(|&at| groups[at + 1..].iter().flatten().all(|later| !later.overlaps(&r)));
        match joins {
            Some(at) => groups[at].push(r),
            None => groups.push(vec![r]),
        }
    }
    for g in groups {
        if let [only] = g.as_slice() {
            out.push_str(only.line);
            out.push('\n');
            continue;
        }
        out.push_str(&format!("<path fill=\"{}\" d=\"", g[0].fill));
        for r in &g {
            out.push_str(&format!("M{} {}h{}v{}h-{}z", r.x, r.y, r.w, r.h, r.w));
        }
        out.push_str("\"/>\n");
    }
}

/// The text properties every label of the chart states, said once on the root
/// `<svg>` instead: for `font-family`, `font-size` and `text-anchor` (inherited
/// properties that only text reads), the value most labels carry goes on the root
/// and the labels that carry it drop it. A property is left on the labels when some
/// label does not state it (it would then inherit the root's value instead of the
/// page's), and `font-size` also when anything but a label is sized in `em` or `ex`.
pub(super) fn shared_text_style(svg: &str) -> String {
    let Some(root_end) = svg.strip_prefix("<svg ").and_then(|_| svg.find('>')) else {
        return svg.to_string();
    };
    let (root, body) = svg.split_at(root_end);
    let tags: Vec<&str> =
        body.match_indices("<text ").map(|(at, _)| &body[at..at + body[at..].find('>').unwrap_or(0)]).collect();
    if tags.is_empty() {
        return svg.to_string();
    }
    let outside_text_uses_font_units = body.split("<text ").enumerate().any(|(i, part)| {
        let outside = if i == 0 { part } else { part.split_once("</text>").map_or("", |(_, after)| after) };
        outside.contains("em\"") || outside.contains("ex\"")
    });
    let mut root = root.to_string();
    let mut shared: Vec<String> = Vec::new();
    for name in ["font-family", "font-size", "text-anchor"] {
        if root.contains(&format!(" {name}=")) || name == "font-size" && outside_text_uses_font_units {
            continue;
        }
        let values: Option<Vec<&str>> = tags.iter().map(|tag| super::check::attribute(tag, name)).collect();
        let Some(values) = values else { continue };
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for v in values {
            match counts.iter_mut().find(|(seen, _)| *seen == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
        }
        // The first of the most common values, so the choice does not depend on a sort.
        let Some(&(most, _)) = counts.iter().rev().max_by_key(|(_, n)| *n) else { continue };
        let attr = format!(" {name}=\"{most}\"");
        root.push_str(&attr);
        shared.push(attr);
    }
    if shared.is_empty() {
        return svg.to_string();
    }
    let mut out = String::with_capacity(svg.len());
    out.push_str(&root);
    let mut rest = body;
    while let Some(at) = rest.find("<text ") {
        out.push_str(&rest[..at]);
        let end = at + rest[at..].find('>').unwrap_or(0);
        let mut tag = rest[at..end].to_string();
        for attr in &shared {
            tag = tag.replacen(attr.as_str(), "", 1);
        }
        out.push_str(&tag);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_changes_nothing_on_screen() {
        let svg = r##"<text x="1" font-size="12.096774193548388" opacity="1" fill="#000"/><polyline opacity="1" points="0,5 1,5 2,5 3,5 3,9 3,2 4,1 5,0 "/><polyline points="a,b 1,2 "/>"##;
        let out = compact_svg(svg);
        assert_eq!(
            out,
            r##"<text x="1" font-size="12.1" fill="#000"/><polyline points="0,5 3,5 3,9 3,2 5,0 "/><polyline points="a,b 1,2 "/>"##
        );
    }

    #[test]
    fn lines_and_polylines_become_relative_paths_merged_by_style() {
        let svg = concat!(
            "<rect x=\"0\" y=\"0\" width=\"9\" height=\"9\" fill=\"#FFFFFF\" stroke=\"none\"/>\n",
            "<line stroke=\"#F3F3F3\" stroke-width=\"1\" x1=\"2\" y1=\"50\" x2=\"2\" y2=\"8\"/>\n",
            "<line stroke=\"#F3F3F3\" stroke-width=\"1\" x1=\"4\" y1=\"50\" x2=\"4\" y2=\"8\"/>\n",
            "<polyline fill=\"none\" stroke=\"#F3F3F3\" stroke-width=\"1\" points=\"0,5 3,5 3,9 5,2 7,4 \"/>\n",
            "<line opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" x1=\"1\" y1=\"1\" x2=\"1\" y2=\"3\"/>\n",
            "<line opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" x1=\"2\" y1=\"1\" x2=\"2\" y2=\"3\"/>\n",
            "<polyline fill=\"none\" stroke-dasharray=\"9 5\" stroke=\"#D55E00\" stroke-width=\"2\" points=\"0,0 4,0 \"/>\n",
            "<polyline fill=\"none\" stroke-dasharray=\"9 5\" stroke=\"#D55E00\" stroke-width=\"2\" points=\"0,2 4,2 \"/>\n",
            "<polyline fill=\"#123456\" stroke=\"#000000\" points=\"0,0 1,1 \"/>\n",
            "<text x=\"1\" y=\"2\">\nlabel\n</text>\n",
            "<line stroke=\"#F3F3F3\" stroke-width=\"1\" x1=\"2.5\" y1=\"50\" x2=\"2\" y2=\"8\"/>\n",
        );
        let out = strokes_as_paths(svg);
        let expected = concat!(
            "<rect x=\"0\" y=\"0\" width=\"9\" height=\"9\" fill=\"#FFFFFF\"/>\n",
            // Two grid lines and a polyline of the same style: one path.
            "<path fill=\"none\" stroke=\"#F3F3F3\" stroke-width=\"1\" d=\"M2 50v-42M4 50v-42M0 5h3v4l2-7l2 2\"/>\n",
            // With an opacity, or a dash pattern: a path each.
            "<path fill=\"none\" opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" d=\"M1 1v2\"/>\n",
            "<path fill=\"none\" opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" d=\"M2 1v2\"/>\n",
            "<path fill=\"none\" stroke-dasharray=\"9 5\" stroke=\"#D55E00\" stroke-width=\"2\" d=\"M0 0h4\"/>\n",
            "<path fill=\"none\" stroke-dasharray=\"9 5\" stroke=\"#D55E00\" stroke-width=\"2\" d=\"M0 2h4\"/>\n",
            // A filled polyline, text, and coordinates that are not whole: as they were.
            "<polyline fill=\"#123456\" stroke=\"#000000\" points=\"0,0 1,1 \"/>\n",
            "<text x=\"1\" y=\"2\">\nlabel\n</text>\n",
            "<line stroke=\"#F3F3F3\" stroke-width=\"1\" x1=\"2.5\" y1=\"50\" x2=\"2\" y2=\"8\"/>\n",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn faint_lines_share_a_path_only_where_their_pixels_do_not_meet_and_black_ticks_pass_black_labels() {
        let faint = |x: i64| {
            format!(
                "<line opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"9\"/>\n"
            )
        };
        let tick =
            |y: i64| format!("<line stroke=\"#000000\" stroke-width=\"1\" x1=\"0\" y1=\"{y}\" x2=\"5\" y2=\"{y}\"/>\n");
        let svg = [
            faint(10),
            faint(30),
            faint(31), // touches the pixels of x = 30: a path of its own
            "<polyline opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" points=\"50,0 60,5 \"/>\n".into(),
            tick(1),
            "<text x=\"9\" y=\"1\">\n0\n</text>\n".into(),
            tick(5),
            "<text x=\"9\" y=\"5\">\n5\n</text>\n".into(),
            "<text x=\"9\" y=\"7\" fill=\"#D55E00\">\nred\n</text>\n".into(),
            tick(9),
        ]
        .concat();
        let expected = concat!(
            "<path fill=\"none\" opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" d=\"M10 0v9M30 0v9\"/>\n",
            "<path fill=\"none\" opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" d=\"M31 0v9\"/>\n",
            // Not straight across or down: its pixels are not worked out, so alone.
            "<path fill=\"none\" opacity=\"0.2\" stroke=\"#000000\" stroke-width=\"1\" d=\"M50 0l10 5\"/>\n",
            // Two black ticks with the black label between them: one path, label after.
            "<path fill=\"none\" stroke=\"#000000\" stroke-width=\"1\" d=\"M0 1h5M0 5h5\"/>\n",
            "<text x=\"9\" y=\"1\">\n0\n</text>\n",
            "<text x=\"9\" y=\"5\">\n5\n</text>\n",
            // A label in colour keeps its place: the next tick starts a path.
            "<text x=\"9\" y=\"7\" fill=\"#D55E00\">\nred\n</text>\n",
            "<path fill=\"none\" stroke=\"#000000\" stroke-width=\"1\" d=\"M0 9h5\"/>\n",
        );
        assert_eq!(strokes_as_paths(&svg), expected);
    }

    #[test]
    fn text_that_draws_nothing_goes_and_black_is_left_to_the_default() {
        let svg = concat!(
            "<text x=\"1\" y=\"2\" font-size=\"9\" fill=\"#000000\">\n\n</text>\n",
            "<text x=\"3\" y=\"4\" font-size=\"9\" fill=\"#000000\">\nlabel\n</text>\n",
            "<text x=\"5\" y=\"6\" fill=\"#D55E00\">\nred\n</text>\n",
            "<rect x=\"0\" y=\"0\" width=\"1\" height=\"1\" fill=\"#000000\"/>\n",
        );
        let expected = concat!(
            "<text x=\"3\" y=\"4\" font-size=\"9\">\nlabel\n</text>\n",
            "<text x=\"5\" y=\"6\" fill=\"#D55E00\">\nred\n</text>\n",
            "<rect x=\"0\" y=\"0\" width=\"1\" height=\"1\" fill=\"#000000\"/>\n",
        );
        assert_eq!(tidy_text(svg), expected);
        // Text cut short is left as it is.
        assert_eq!(tidy_text("<text x=\"1\">open"), "<text x=\"1\">open");
    }

    #[test]
    fn bars_of_one_colour_share_a_path_unless_a_bar_between_overlaps() {
        let svg = concat!(
            "<rect x=\"0\" y=\"0\" width=\"100\" height=\"100\" fill=\"#FFFFFF\"/>\n",
            "<rect x=\"10\" y=\"10\" width=\"20\" height=\"5\" fill=\"#0072B2\"/>\n",
            "<rect x=\"30\" y=\"10\" width=\"20\" height=\"5\" fill=\"#E69F00\"/>\n",
            "<rect x=\"50\" y=\"10\" width=\"0\" height=\"5\" fill=\"#CC79A7\"/>\n",
            "<rect x=\"10\" y=\"20\" width=\"25\" height=\"5\" fill=\"#0072B2\"/>\n",
            // Over the orange bar: must stay after it.
            "<rect x=\"40\" y=\"12\" width=\"5\" height=\"5\" fill=\"#0072B2\"/>\n",
            // White over the background's colour but on the bars: stays on top.
            "<rect x=\"12\" y=\"11\" width=\"2\" height=\"2\" fill=\"#FFFFFF\"/>\n",
            "<text x=\"1\">\nlabel\n</text>\n",
            "<rect x=\"10\" y=\"30\" width=\"20\" height=\"5\" fill=\"#0072B2\"/>\n",
            "<rect x=\"1.5\" y=\"30\" width=\"20\" height=\"5\" fill=\"#0072B2\"/>\n",
        );
        let out = rects_as_paths(svg);
        let want = [
            "<rect x=\"0\" y=\"0\" width=\"100\" height=\"100\" fill=\"#FFFFFF\"/>",
            "<path fill=\"#0072B2\" d=\"M10 10h20v5h-20zM10 20h25v5h-25z\"/>",
            "<rect x=\"30\" y=\"10\" width=\"20\" height=\"5\" fill=\"#E69F00\"/>",
            "<rect x=\"40\" y=\"12\" width=\"5\" height=\"5\" fill=\"#0072B2\"/>",
            "<rect x=\"12\" y=\"11\" width=\"2\" height=\"2\" fill=\"#FFFFFF\"/>",
            "<text x=\"1\">",
            "label",
            "</text>",
            "<rect x=\"10\" y=\"30\" width=\"20\" height=\"5\" fill=\"#0072B2\"/>",
            "<rect x=\"1.5\" y=\"30\" width=\"20\" height=\"5\" fill=\"#0072B2\"/>",
        ];
        assert_eq!(out.lines().collect::<Vec<_>>(), want);
    }

    #[test]
    fn text_properties_every_label_states_are_said_once_on_the_root() {
        let svg = concat!(
            "<svg width=\"9\" height=\"9\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            "<text x=\"1\" y=\"2\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"9.68\">\na\n</text>\n",
            "<text x=\"1\" y=\"3\" dy=\"0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"16.13\">\nb\n</text>\n",
            "<text x=\"1\" y=\"4\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"9.68\">\nc\n</text>\n",
            "<path fill=\"none\" stroke=\"#000000\" d=\"M0 0h1\"/>\n",
            "</svg>\n",
        );
        let expected = concat!(
            "<svg width=\"9\" height=\"9\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"9.68\" text-anchor=\"end\">\n",
            "<text x=\"1\" y=\"2\" dy=\"0.5ex\">\na\n</text>\n",
            "<text x=\"1\" y=\"3\" dy=\"0.5ex\" text-anchor=\"middle\" font-size=\"16.13\">\nb\n</text>\n",
            "<text x=\"1\" y=\"4\" dy=\"0.5ex\">\nc\n</text>\n",
            "<path fill=\"none\" stroke=\"#000000\" d=\"M0 0h1\"/>\n",
            "</svg>\n",
        );
        assert_eq!(shared_text_style(svg), expected);
        // A label that does not state a property keeps the page's: the others keep theirs.
        let unstated = svg.replacen(" font-family=\"sans-serif\"", "", 1);
        let out = shared_text_style(&unstated);
        assert_eq!(out.matches("font-family=\"sans-serif\"").count(), 2, "{out}");
        assert!(out.lines().next().is_some_and(|root| !root.contains("font-family")), "{out}");
        // Something other than a label sized in em: font sizes stay on the labels.
        let em = svg.replace("d=\"M0 0h1\"", "stroke-width=\"0.1em\" d=\"M0 0h1\"");
        assert_eq!(shared_text_style(&em).matches("font-size=\"9.68\"").count(), 2);
    }
}
