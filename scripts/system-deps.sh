#!/usr/bin/env bash
# System tools some tests drive from outside Python: Ghostscript and poppler (PDF checks),
# headless Chromium (the interactive map), a Java 17 JDK + Maven (the Neo4j test server; the
# launcher runs as a single source file, which needs the compiler).
# Installs only what is missing; needs root (or sudo) and Debian's package manager.
set -euo pipefail
need=()
command -v gs >/dev/null || need+=(ghostscript)
command -v pdffonts >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing system packages: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
