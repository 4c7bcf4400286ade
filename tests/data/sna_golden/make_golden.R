# Golden values for ecograph.brokerage from R sna 2.7 brokerage().
#
# Run from this directory:  Rscript make_golden.R
# Needs R with the sna package (Debian: apt-get install r-cran-sna).
# Writes, per case:  <case>.edges.csv (0-based from,to arcs; an undirected edge appears both
# ways, as sna reads a symmetric matrix), <case>.nodes.csv (node, group and sna's raw,
# expected, sd and z per role), and for all cases cases.csv and global.csv (sna's
# whole-network raw.gli / exp.gli / sd.gli / z.gli).
suppressMessages(library(sna))

roles <- c("w_I", "w_O", "b_IO", "b_OI", "b_O", "t")

write_case <- function(name, g, cl, directed) {
  b <- brokerage(g, cl)
  n <- nrow(g)
  arcs <- which(g != 0, arr.ind = TRUE)
  arcs <- arcs[order(arcs[, 1], arcs[, 2]), , drop = FALSE]
  write.csv(data.frame(from = arcs[, 1] - 1, to = arcs[, 2] - 1),
            paste0(name, ".edges.csv"), row.names = FALSE)
  nodes <- data.frame(node = 0:(n - 1), group = cl)
  for (part in c("raw", "exp", "sd", "z")) {
    m <- b[[paste0(part, ".nli")]]
    for (r in roles) nodes[[paste0(part, "_", r)]] <- m[, r]
  }
  write.csv(nodes, paste0(name, ".nodes.csv"), row.names = FALSE)
  rows <- data.frame(case = name, measure = c("raw", "exp", "sd", "z"))
  for (r in roles) rows[[r]] <- c(b$raw.gli[r], b$exp.gli[r], b$sd.gli[r], b$z.gli[r])
  list(case = data.frame(case = name, n = n, directed = directed), global = rows)
}

out <- list()
add <- function(x) out[[length(out) + 1]] <<- x

set.seed(20240701)
# directed random graph, three groups
add(write_case("dir_random", rgraph(30, tprob = 0.12), sample(c("A", "B", "C"), 30, replace = TRUE), TRUE))
# undirected random graph, four groups (sna counts both orientations of each two-path)
add(write_case("undir_random", rgraph(25, tprob = 0.2, mode = "graph"),
               sample(c("core", "core_ring", "collaboration", "radiation"), 25, replace = TRUE), FALSE))
# directed with isolated nodes
g <- rgraph(20, tprob = 0.15); g[c(3, 8, 15, 20), ] <- 0; g[, c(3, 8, 15, 20)] <- 0
add(write_case("dir_isolates", g, sample(c("industry", "academia"), 20, replace = TRUE), TRUE))
# a group of size one
cl <- sample(c("A", "B"), 15, replace = TRUE); cl[7] <- "solo"
add(write_case("singleton_group", rgraph(15, tprob = 0.25), cl, TRUE))
# many reciprocal arcs, six groups
g <- rgraph(40, tprob = 0.08); g <- pmax(g, t(g) * (runif(1600) < 0.5)); diag(g) <- 0
add(write_case("dir_reciprocal_groups6", g, sample(paste0("g", 1:6), 40, replace = TRUE), TRUE))
# one group only: every brokerage is coordination
add(write_case("one_group", rgraph(12, tprob = 0.3, mode = "graph"), rep("A", 12), FALSE))
# self-loops (ignored as two-paths, counted in the density)
g <- rgraph(10, tprob = 0.3, diag = TRUE)
add(write_case("self_loops", g, sample(c("A", "B", "C"), 10, replace = TRUE), TRUE))

write.csv(do.call(rbind, lapply(out, `[[`, "case")), "cases.csv", row.names = FALSE)
write.csv(do.call(rbind, lapply(out, `[[`, "global")), "global.csv", row.names = FALSE)
