//! Readers and exact scorers for the public routing instances: TSPLIB (`.tsp`, `.opt.tour`),
//! CVRPLIB (`.vrp`, `.sol`) and Solomon VRPTW (`.txt`), with each set's own distance
//! function and rounding (see `../shared/bench/README.md`).

use std::collections::HashMap;

/// A parse failure, with the reason.
#[derive(Debug)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(msg.into()))
}

/// A TSPLIB-style instance: integer edge weights, with optional CVRP data.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Instance name (from the file name).
    pub name: String,
    /// Number of nodes (`DIMENSION`).
    pub n: usize,
    /// Row-major `n × n` integer weights.
    pub weights: Vec<u32>,
    /// `CAPACITY` (CVRP).
    pub capacity: u32,
    /// Demand per node (CVRP; the depot's is 0).
    pub demand: Vec<u32>,
}

impl Instance {
    /// The weight of edge `i`–`j`.
    pub fn w(&self, i: usize, j: usize) -> u64 {
        u64::from(self.weights[i * self.n + j])
    }

    /// The closed length of a tour (a permutation of `0..n`), checked.
    ///
    /// # Errors
    /// If `tour` is not a permutation.
    pub fn tour_length(&self, tour: &[usize]) -> Result<u64, ParseError> {
        let mut seen = vec![false; self.n];
        if tour.len() != self.n {
            return err(format!(
                "tour has {} nodes, instance {}",
                tour.len(),
                self.n
            ));
        }
        for &x in tour {
            if x >= self.n || seen[x] {
                return err(format!("node {x} repeated or out of range"));
            }
            seen[x] = true;
        }
        Ok((0..self.n)
            .map(|k| self.w(tour[k], tour[(k + 1) % self.n]))
            .sum())
    }

    /// The cost of CVRP routes (customer indices = node − 1, depot node 0 excluded), checked
    /// for coverage and capacity.
    ///
    /// # Errors
    /// If a customer is missing or repeated, or a route is over capacity.
    pub fn cvrp_cost(&self, routes: &[Vec<usize>]) -> Result<u64, ParseError> {
        let mut seen = vec![false; self.n];
        seen[0] = true;
        let mut cost = 0;
        for r in routes {
            let mut load = 0u64;
            let mut prev = 0;
            for &c in r {
                let node = c + 1;
                if node >= self.n || seen[node] {
                    return err(format!("customer {c} repeated or out of range"));
                }
                seen[node] = true;
                load += u64::from(self.demand[node]);
                cost += self.w(prev, node);
                prev = node;
            }
            cost += self.w(prev, 0);
            if load > u64::from(self.capacity) {
                return err(format!("route over capacity: {load} > {}", self.capacity));
            }
        }
        if let Some(node) = seen.iter().position(|s| !s) {
            return err(format!("customer {} not served", node - 1));
        }
        Ok(cost)
    }
}

fn nint(x: f64) -> u32 {
    (x + 0.5).floor() as u32
}

fn geo_rad(x: f64) -> f64 {
    // TSPLIB's own constant: the published GEO optima were computed with it.
    #[expect(clippy::approx_constant, reason = "TSPLIB defines PI as 3.141592")]
    const PI: f64 = 3.141592;
    let deg = x.trunc();
    let min = x - deg;
    PI * (deg + 5.0 * min / 3.0) / 180.0
}

/// Edge weight between two coordinate pairs for a TSPLIB `EDGE_WEIGHT_TYPE`.
///
/// # Errors
/// For an unsupported type.
pub fn coord_weight(kind: &str, a: (f64, f64), b: (f64, f64)) -> Result<u32, ParseError> {
    let (xd, yd) = (a.0 - b.0, a.1 - b.1);
    Ok(match kind {
        "EUC_2D" => nint((xd * xd + yd * yd).sqrt()),
        "CEIL_2D" => (xd * xd + yd * yd).sqrt().ceil() as u32,
        "ATT" => {
            let r = ((xd * xd + yd * yd) / 10.0).sqrt();
            let t = nint(r);
            if f64::from(t) < r { t + 1 } else { t }
        }
        "GEO" => {
            const RRR: f64 = 6378.388;
            let (lat_i, lon_i) = (geo_rad(a.0), geo_rad(a.1));
            let (lat_j, lon_j) = (geo_rad(b.0), geo_rad(b.1));
            let q1 = (lon_i - lon_j).cos();
            let q2 = (lat_i - lat_j).cos();
            let q3 = (lat_i + lat_j).cos();
            (RRR * (0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)).acos() + 1.0).trunc() as u32
        }
        other => return err(format!("EDGE_WEIGHT_TYPE {other} is not supported")),
    })
}

fn is_section(line: &str) -> bool {
    line.ends_with("_SECTION") || line == "EOF"
}

/// Parses a TSPLIB `.tsp` or CVRPLIB `.vrp` file.
///
/// # Errors
/// For malformed or unsupported content.
pub fn parse_tsplib(name: &str, text: &str) -> Result<Instance, ParseError> {
    let mut header: HashMap<String, String> = HashMap::new();
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    let mut coords: Vec<(f64, f64)> = Vec::new();
    let mut explicit: Vec<f64> = Vec::new();
    let mut demand: Vec<u32> = Vec::new();
    let dim = |h: &HashMap<String, String>| -> Result<usize, ParseError> {
        h.get("DIMENSION")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| ParseError("no DIMENSION".into()))
    };
    while let Some(line) = lines.next() {
        if is_section(line) || line.starts_with("NODE_COORD_SECTION") {
            let n = dim(&header)?;
            let section = line.split_whitespace().next().unwrap_or("");
            match section {
                "NODE_COORD_SECTION" => {
                    coords = vec![(0.0, 0.0); n];
                    for _ in 0..n {
                        let l = lines
                            .next()
                            .ok_or_else(|| ParseError("short NODE_COORD_SECTION".into()))?;
                        let t: Vec<&str> = l.split_whitespace().collect();
                        if t.len() < 3 {
                            return err(format!("bad coordinate line `{l}`"));
                        }
                        let id: usize = t[0]
                            .parse()
                            .map_err(|_| ParseError(format!("bad id `{l}`")))?;
                        let x: f64 = t[1]
                            .parse()
                            .map_err(|_| ParseError(format!("bad x `{l}`")))?;
                        let y: f64 = t[2]
                            .parse()
                            .map_err(|_| ParseError(format!("bad y `{l}`")))?;
                        if id == 0 || id > n {
                            return err(format!("node id {id} out of range"));
                        }
                        coords[id - 1] = (x, y);
                    }
                }
                "EDGE_WEIGHT_SECTION" => {
                    while let Some(l) = lines.peek() {
                        if is_section(l) || l.contains(':') {
                            break;
                        }
                        for t in l.split_whitespace() {
                            explicit.push(
                                t.parse()
                                    .map_err(|_| ParseError(format!("bad weight `{t}`")))?,
                            );
                        }
                        lines.next();
                    }
                }
                "DEMAND_SECTION" => {
                    demand = vec![0; n];
                    for _ in 0..n {
                        let l = lines
                            .next()
                            .ok_or_else(|| ParseError("short DEMAND_SECTION".into()))?;
                        let t: Vec<&str> = l.split_whitespace().collect();
                        let (Some(id), Some(d)) = (
                            t.first().and_then(|s| s.parse::<usize>().ok()),
                            t.get(1).and_then(|s| s.parse::<u32>().ok()),
                        ) else {
                            return err(format!("bad demand line `{l}`"));
                        };
                        if id == 0 || id > n {
                            return err(format!("demand id {id} out of range"));
                        }
                        demand[id - 1] = d;
                    }
                }
                "DEPOT_SECTION" => {
                    for l in lines.by_ref() {
                        if l.starts_with("-1") {
                            break;
                        }
                        if l != "1" {
                            return err("only depot 1 is supported");
                        }
                    }
                }
                "DISPLAY_DATA_SECTION" => {
                    for _ in 0..n {
                        lines.next();
                    }
                }
                "EOF" => break,
                other => return err(format!("section {other} is not supported")),
            }
        } else if let Some((k, v)) = line.split_once(':') {
            header.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    let n = dim(&header)?;
    let kind = header
        .get("EDGE_WEIGHT_TYPE")
        .map_or("EUC_2D", String::as_str);
    let mut weights = vec![0u32; n * n];
    if kind == "EXPLICIT" {
        let format = header
            .get("EDGE_WEIGHT_FORMAT")
            .map_or("FULL_MATRIX", String::as_str);
        let mut it = explicit.iter().map(|&x| x as u32);
        let mut put =
            |i: usize, j: usize, it: &mut dyn Iterator<Item = u32>| -> Result<(), ParseError> {
                let w = it
                    .next()
                    .ok_or_else(|| ParseError("short EDGE_WEIGHT_SECTION".into()))?;
                weights[i * n + j] = w;
                weights[j * n + i] = w;
                Ok(())
            };
        match format {
            "FULL_MATRIX" => {
                for i in 0..n {
                    for j in 0..n {
                        let w = it
                            .next()
                            .ok_or_else(|| ParseError("short EDGE_WEIGHT_SECTION".into()))?;
                        weights[i * n + j] = w;
                    }
                }
            }
            "UPPER_ROW" => {
                for i in 0..n {
                    for j in (i + 1)..n {
                        put(i, j, &mut it)?;
                    }
                }
            }
            "LOWER_ROW" => {
                for i in 0..n {
                    for j in 0..i {
                        put(i, j, &mut it)?;
                    }
                }
            }
            "UPPER_DIAG_ROW" => {
                for i in 0..n {
                    for j in i..n {
                        put(i, j, &mut it)?;
                    }
                }
            }
            "LOWER_DIAG_ROW" => {
                for i in 0..n {
                    for j in 0..=i {
                        put(i, j, &mut it)?;
                    }
                }
            }
            other => return err(format!("EDGE_WEIGHT_FORMAT {other} is not supported")),
        }
        for i in 0..n {
            weights[i * n + i] = 0;
        }
    } else {
        if coords.len() != n {
            return err("no NODE_COORD_SECTION");
        }
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    weights[i * n + j] = coord_weight(kind, coords[i], coords[j])?;
                }
            }
        }
    }
    let capacity = header
        .get("CAPACITY")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if demand.is_empty() {
        demand = vec![0; n];
    }
    Ok(Instance {
        name: name.to_string(),
        n,
        weights,
        capacity,
        demand,
    })
}

/// Parses a `.opt.tour` file into 0-based nodes.
///
/// # Errors
/// For malformed content.
pub fn parse_tour(text: &str) -> Result<Vec<usize>, ParseError> {
    let mut tour = Vec::new();
    let mut on = false;
    for tok in text.split_whitespace() {
        if tok == "TOUR_SECTION" {
            on = true;
        } else if on {
            let v: i64 = tok
                .parse()
                .map_err(|_| ParseError(format!("bad tour node `{tok}`")))?;
            if v == -1 {
                break;
            }
            if v < 1 {
                return err(format!("bad tour node {v}"));
            }
            tour.push(v as usize - 1);
        }
    }
    Ok(tour)
}

/// Parses a CVRPLIB `.sol` file: routes of customer indices and the `Cost` line.
///
/// # Errors
/// For malformed content.
pub fn parse_sol(text: &str) -> Result<(Vec<Vec<usize>>, f64), ParseError> {
    let mut routes = Vec::new();
    let mut cost = f64::NAN;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Route") {
            let body = rest.split_once(':').map_or("", |(_, b)| b);
            routes.push(
                body.split_whitespace()
                    .map(|t| {
                        t.parse()
                            .map_err(|_| ParseError(format!("bad customer `{t}`")))
                    })
                    .collect::<Result<Vec<usize>, _>>()?,
            );
        } else if let Some(rest) = line.strip_prefix("Cost") {
            cost = rest
                .trim()
                .parse()
                .map_err(|_| ParseError(format!("bad cost `{rest}`")))?;
        }
    }
    Ok((routes, cost))
}

/// A Solomon VRPTW instance, in tenths (distance = time; `d10 = floor(10·euclid)`).
#[derive(Debug, Clone)]
pub struct Solomon {
    /// Instance name.
    pub name: String,
    /// Vehicles available.
    pub vehicles: usize,
    /// Vehicle capacity.
    pub capacity: u32,
    /// Per node (0 = depot): demand.
    pub demand: Vec<u32>,
    /// Per node: ready time ×10.
    pub ready: Vec<u32>,
    /// Per node: due time ×10.
    pub due: Vec<u32>,
    /// Per node: service time ×10.
    pub service: Vec<u32>,
    /// Row-major distances in tenths.
    pub d10: Vec<u32>,
}

impl Solomon {
    /// Number of nodes (depot included).
    pub fn n(&self) -> usize {
        self.demand.len()
    }

    /// Distance in tenths.
    pub fn d(&self, i: usize, j: usize) -> u32 {
        self.d10[i * self.n() + j]
    }

    /// Checks routes (customer node ids, depot 0 excluded) and returns the distance in
    /// tenths.
    ///
    /// # Errors
    /// If a customer is missing or repeated, or capacity or a time window is violated.
    pub fn score(&self, routes: &[Vec<usize>]) -> Result<u64, ParseError> {
        let n = self.n();
        let mut seen = vec![false; n];
        seen[0] = true;
        let mut dist = 0u64;
        for r in routes {
            let (mut t, mut prev, mut load) = (0u64, 0usize, 0u64);
            for &c in r {
                if c == 0 || c >= n || seen[c] {
                    return err(format!("customer {c} repeated or out of range"));
                }
                seen[c] = true;
                dist += u64::from(self.d(prev, c));
                t = (t + u64::from(self.d(prev, c))).max(u64::from(self.ready[c]));
                if t > u64::from(self.due[c]) {
                    return err(format!(
                        "customer {c} served at {t} after its due {}",
                        self.due[c]
                    ));
                }
                t += u64::from(self.service[c]);
                load += u64::from(self.demand[c]);
                prev = c;
            }
            dist += u64::from(self.d(prev, 0));
            t += u64::from(self.d(prev, 0));
            if t > u64::from(self.due[0]) {
                return err("back at the depot after its due time");
            }
            if load > u64::from(self.capacity) {
                return err("route over capacity");
            }
        }
        if let Some(c) = seen.iter().position(|s| !s) {
            return err(format!("customer {c} not served"));
        }
        Ok(dist)
    }
}

/// Parses a Solomon `.txt` file.
///
/// # Errors
/// For malformed content.
pub fn parse_solomon(name: &str, text: &str) -> Result<Solomon, ParseError> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let v = lines
        .iter()
        .position(|l| l.starts_with("NUMBER"))
        .ok_or_else(|| ParseError("no VEHICLE block".into()))?;
    let nums: Vec<u32> = lines
        .get(v + 1)
        .map(|l| {
            l.split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let [vehicles, capacity] = nums[..] else {
        return err("bad VEHICLE line");
    };
    let start = lines
        .iter()
        .position(|l| l.starts_with("CUST"))
        .ok_or_else(|| ParseError("no CUSTOMER table".into()))?;
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for l in &lines[start + 1..] {
        let t: Vec<f64> = l
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        if t.len() == 7 {
            rows.push([t[0], t[1], t[2], t[3], t[4], t[5], t[6]]);
        }
    }
    let n = rows.len();
    let mut d10 = vec![0u32; n * n];
    for i in 0..n {
        for j in 0..n {
            let (xd, yd) = (rows[i][1] - rows[j][1], rows[i][2] - rows[j][2]);
            d10[i * n + j] = (10.0 * (xd * xd + yd * yd).sqrt()).floor() as u32;
        }
    }
    Ok(Solomon {
        name: name.to_string(),
        vehicles: vehicles as usize,
        capacity,
        demand: rows.iter().map(|r| r[3] as u32).collect(),
        ready: rows.iter().map(|r| (r[4] * 10.0) as u32).collect(),
        due: rows.iter().map(|r| (r[5] * 10.0) as u32).collect(),
        service: rows.iter().map(|r| (r[6] * 10.0) as u32).collect(),
        d10,
    })
}

/// The instance name from a path: the file name without its extension.
pub fn instance_name(path: &std::path::Path) -> String {
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("instance");
    file.split('.').next().unwrap_or(file).to_string()
}
