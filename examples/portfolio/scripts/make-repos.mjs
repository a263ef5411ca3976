#!/usr/bin/env node
// Builds the reference portfolio's git repositories under examples/portfolio/repos/ (ignored by
// git: they are generated, never committed as nested repositories). Every commit has a fixed
// author and date, so the commit ids are the same on every machine. Credentials planted in them
// (a Stripe key committed and later removed, a committed .env) are generated here from a seeded
// generator, so this script's own text contains none.
//
// Usage: node examples/portfolio/scripts/make-repos.mjs [--force]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "repos");
// Bump when a repository's content changes, so stale copies are rebuilt.
const VERSION = "1";
const STAMP = path.join(ROOT, ".version");

if (existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === VERSION && !process.argv.includes("--force")) {
  process.exit(0);
}
rmSync(ROOT, { recursive: true, force: true });
mkdirSync(ROOT, { recursive: true });

// mulberry32: small and seeded, so the planted values are the same on every machine.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(0x9e3779b9);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const draw = (alphabet, n) =>
  Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");

/** A repository built commit by commit: each commit writes and deletes files at a fixed date. */
function repository(name, commits) {
  const dir = path.join(ROOT, name);
  mkdirSync(dir, { recursive: true });
  const git = (args, date) =>
    execFileSync("git", ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Sam Okafor",
        GIT_AUTHOR_EMAIL: "sam.okafor@example.com",
        GIT_COMMITTER_NAME: "Sam Okafor",
        GIT_COMMITTER_EMAIL: "sam.okafor@example.com",
        GIT_AUTHOR_DATE: date ?? "2024-01-01T12:00:00Z",
        GIT_COMMITTER_DATE: date ?? "2024-01-01T12:00:00Z",
      },
    });
  git(["init", "-q"]);
  for (const commit of commits) {
    for (const [file, text] of Object.entries(commit.write ?? {})) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    for (const file of commit.remove ?? []) rmSync(path.join(dir, file));
    git(["add", "-A"], commit.date);
    git(["commit", "-q", "-m", commit.message], commit.date);
  }
}

// JADA: the static site on GitHub Pages and, since clasp, the Apps Script booking endpoint.
repository("jada-site", [
  {
    date: "2025-03-02T10:00:00Z",
    message: "Static site: home, charters and booking request form",
    write: {
      "index.html": "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>JADA Sailing</title><link rel=\"stylesheet\" href=\"style.css\"></head>\n<body>\n<h1>Sail San Diego Bay with JADA</h1>\n<form id=\"booking\" method=\"post\"></form>\n<script src=\"booking.js\"></script>\n</body>\n</html>\n",
      "style.css": "body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; }\n",
      "booking.js": "const ENDPOINT = document.querySelector('#booking').dataset.endpoint;\ndocument.querySelector('#booking').addEventListener('submit', async (event) => {\n  event.preventDefault();\n  await fetch(ENDPOINT, { method: 'POST', body: new FormData(event.target) });\n});\n",
      CNAME: "jadasailing.com\n",
    },
  },
  {
    date: "2026-09-12T16:30:00Z",
    message: "Pull the Apps Script booking endpoint into the repository with clasp",
    write: {
      "apps-script/appsscript.json": `${JSON.stringify({ timeZone: "America/Los_Angeles", runtimeVersion: "V8", webapp: { executeAs: "USER_DEPLOYING", access: "ANYONE_ANONYMOUS" } }, null, 2)}\n`,
      "apps-script/Code.gs": [
        "// Booking requests and the public sailing schedule, served as a web app.",
        "function doGet(e) {",
        "  const sheet = SpreadsheetApp.getActive().getSheetByName('Schedule');",
        "  const rows = sheet.getDataRange().getValues();",
        "  return ContentService.createTextOutput(JSON.stringify(rows)).setMimeType(ContentService.MimeType.JSON);",
        "}",
        "",
        "function doPost(e) {",
        "  const sheet = SpreadsheetApp.getActive().getSheetByName('Requests');",
        "  sheet.appendRow([new Date(), e.parameter.name, e.parameter.email, e.parameter.date, e.parameter.guests]);",
        "  return ContentService.createTextOutput('ok');",
        "}",
        "",
      ].join("\n"),
      ".clasp.json": `${JSON.stringify({ scriptId: draw(ALNUM, 57), rootDir: "apps-script" }, null, 2)}\n`,
    },
  },
  {
    date: "2026-09-18T09:15:00Z",
    message: "Charter page copy for the fall schedule",
    write: { "charters.html": "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Charters</title></head><body><h1>Fall charters</h1></body></html>\n" },
  },
]);

// QuickDumpNow: the legacy Rails app, with production settings committed from the first day.
const square = `EAAA${draw(`${ALNUM}-_`, 60)}`;
const dbPassword = draw(ALNUM, 24);
const mailPassword = draw(ALNUM, 20);
repository("qdn-rails", [
  {
    date: "2021-04-06T18:00:00Z",
    message: "Rails 5.2 app: quote, order and deposit funnel",
    write: {
      Gemfile: "source 'https://rubygems.org'\nruby '2.7.8'\ngem 'rails', '~> 5.2.8'\ngem 'pg', '~> 1.2'\ngem 'puma', '~> 4.3'\ngem 'square.rb'\n\ngroup :test do\n  gem 'rspec-rails'\nend\n",
      "Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (5.2.8.1)\n    pg (1.2.3)\n    puma (4.3.12)\n\nRUBY VERSION\n   ruby 2.7.8p225\n",
      ".ruby-version": "2.7.8\n",
      Procfile: "web: bundle exec puma -C config/puma.rb\nrelease: bundle exec rails db:migrate\n",
      "config/environments/production.rb": "Rails.application.configure do\n  config.force_ssl = true\nend\n",
      "config/database.yml": "production:\n  url: <%= ENV['DATABASE_URL'] %>\n",
      "app/controllers/orders_controller.rb": "class OrdersController < ApplicationController\n  def create\n    @order = Order.create!(order_params)\n  end\nend\n",
      "spec/models/order_spec.rb": "require 'rails_helper'\n\nRSpec.describe Order do\n  it 'needs a ZIP code' do\n    expect(Order.new(zip: nil)).not_to be_valid\n  end\nend\n",
      ".env": `DATABASE_URL=postgres://qdn:${dbPassword}@ec2-34-201-11-7.compute-1.amazonaws.com:5432/qdn_production\nSQUARE_ACCESS_TOKEN=${square}\nMAIL_PASSWORD=${mailPassword}\nRAILS_ENV=production\n`,
    },
  },
  {
    date: "2023-02-14T17:20:00Z",
    message: "Tier cards for 10, 20 and 30-yard dumpsters",
    write: { "app/views/orders/_tiers.html.erb": "<div class=\"tiers\"><button data-tier=\"10\">10-yard</button><button data-tier=\"20\">20-yard</button><button data-tier=\"30\">30-yard</button></div>\n" },
  },
  {
    date: "2026-08-27T21:05:00Z",
    message: "Fix deposit rounding",
    write: { "app/models/order.rb": "class Order < ApplicationRecord\n  def deposit_cents\n    (total_cents * 0.25).round\n  end\nend\n" },
  },
]);

// DangerousCentaur: the portal and Stripe webhook functions; a live key was hard-coded, then
// moved to the environment in a later commit (it stays in the history).
const stripeKey = `sk_live_${draw(ALNUM, 24)}`;
repository("dc-portal", [
  {
    date: "2025-06-03T15:00:00Z",
    message: "Client portal prototype and Stripe webhook on Lambda",
    write: {
      "package.json": `${JSON.stringify({ name: "dc-portal", private: true, engines: { node: "18.x" }, dependencies: { stripe: "^12.18.0", jsonwebtoken: "^9.0.0" }, devDependencies: { serverless: "^3.38.0" } }, null, 2)}\n`,
      "serverless.yml": "service: dc-portal\nprovider:\n  name: aws\n  runtime: nodejs18.x\n  region: us-west-2\nfunctions:\n  portal:\n    handler: src/portal.handler\n  stripeWebhook:\n    handler: src/webhook.handler\n",
      "src/webhook.js": `const stripe = require("stripe")("${stripeKey}");\n\nexports.handler = async (event) => {\n  const signature = event.headers["stripe-signature"];\n  const hook = stripe.webhooks.constructEvent(event.body, signature, process.env.STRIPE_WEBHOOK_SECRET);\n  return { statusCode: 200, body: hook.type };\n};\n`,
      "src/portal.js": "const jwt = require('jsonwebtoken');\n\nexports.handler = async (event) => {\n  const user = jwt.verify(event.headers.authorization, process.env.JWT_SECRET);\n  return { statusCode: 200, body: JSON.stringify({ user: user.sub }) };\n};\n",
    },
  },
  {
    date: "2025-09-22T11:40:00Z",
    message: "Read the Stripe key from the environment",
    write: {
      "src/webhook.js": "const stripe = require(\"stripe\")(process.env.STRIPE_API_KEY);\n\nexports.handler = async (event) => {\n  const signature = event.headers[\"stripe-signature\"];\n  const hook = stripe.webhooks.constructEvent(event.body, signature, process.env.STRIPE_WEBHOOK_SECRET);\n  return { statusCode: 200, body: hook.type };\n};\n",
    },
  },
  {
    date: "2026-10-02T13:10:00Z",
    message: "Portal: list a client's documents",
    write: { "src/documents.js": "exports.list = async (client) => [];\n" },
  },
]);

writeFileSync(STAMP, `${VERSION}\n`);
process.stdout.write(`built 3 repositories under ${path.relative(process.cwd(), ROOT) || ROOT}\n`);
