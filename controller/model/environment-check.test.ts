import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { checkSystemAgainstEnvironment, type EnvironmentValues } from "./environment-check.js";
import { loadSystem, type SystemModel } from "./load-system.js";
import { MemoryTree } from "./memory-tree.js";

const system = "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {}\n";

/** A system of one app `store` whose spec.components is `components` (YAML, indented 4). */
async function modelOf(components: string): Promise<SystemModel> {
  const app = `apiVersion: kubefox.io/v1alpha1\nkind: App\nmetadata: {name: store}\nspec:\n  components:\n${components}`;
  const loaded = await loadSystem(
    new MemoryTree({ "kubefox.yaml": system, "apps/store/app.yaml": app }),
  );
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
  return loaded.model;
}

const prod: EnvironmentValues = {
  name: "prod",
  vars: { region: "eu-west-1", domain: "shop.example.com", retries: 3, tracing: false },
  config: "prod",
  secrets: { dbPassword: { name: "shop-db", key: "password" } },
};

describe("checkSystemAgainstEnvironment", () => {
  it.each<[string, string, EnvironmentValues, string[]]>([
    [
      "templates that read only what the environment has",
      `    web:
      image: web:1
      ports: [{name: http, containerPort: 80}]
      env:
        GREETING: "hello from {{.Env.region}}, try {{.Vars.retries}} times"
        TRACING: "{{.Vars.tracing}}"
        DB_PASSWORD: "{{.Secrets.dbPassword}}"
        PLAIN: no templates here
      routes:
        - rule: Host(\`{{.Env.domain}}\`) && PathPrefix(\`/shop\`)
`,
      prod,
      [],
    ],
    [
      "an env value reading a var the environment lacks, through .Env and .Vars",
      `    web:
      image: web:1
      env:
        REGION: "{{.Env.zone}}"
        ZONE: "{{.Env.region}}-{{.Vars.zone}}"
`,
      prod,
      [
        "apps/store/app.yaml:9:18: component web: env REGION needs {{.Env.zone}}, which environment prod does not define",
        "apps/store/app.yaml:10:32: component web: env ZONE needs {{.Vars.zone}}, which environment prod does not define",
      ],
    ],
    [
      "two missing vars in one value, one of them twice: each once, at its first use",
      `    web:
      image: web:1
      env:
        URL: https://{{.Env.host}}:{{.Env.port}}/{{.Env.host}}
`,
      prod,
      [
        "apps/store/app.yaml:9:22: component web: env URL needs {{.Env.host}}, which environment prod does not define",
        "apps/store/app.yaml:9:36: component web: env URL needs {{.Env.port}}, which environment prod does not define",
      ],
    ],
    [
      "{{.Env.X}} and {{.Vars.X}} of one missing var: one problem each, as written",
      `    web:
      image: web:1
      env:
        A: "{{.Env.zone}}/{{.Vars.zone}}"
`,
      prod,
      [
        "apps/store/app.yaml:9:13: component web: env A needs {{.Env.zone}}, which environment prod does not define",
        "apps/store/app.yaml:9:27: component web: env A needs {{.Vars.zone}}, which environment prod does not define",
      ],
    ],
    [
      "a secret the config lacks",
      `    api:
      image: api:1
      env:
        API_KEY: "{{.Secrets.apiKey}}"
`,
      prod,
      [
        "apps/store/app.yaml:9:19: component api: env API_KEY needs {{.Secrets.apiKey}}, which config prod (of environment prod) does not define",
      ],
    ],
    [
      "a secret, and the environment names no config",
      `    api:
      image: api:1
      env:
        DB_PASSWORD: "{{.Secrets.dbPassword}}"
`,
      { name: "dev", vars: {}, secrets: {} },
      [
        "apps/store/app.yaml:9:23: component api: env DB_PASSWORD needs {{.Secrets.dbPassword}}, but environment dev names no config to take secrets from",
      ],
    ],
    [
      "secrets not checked when the config could not be read",
      `    api:
      image: api:1
      env:
        DB_PASSWORD: "{{.Secrets.dbPassword}}"
        REGION: "{{.Env.region}}"
`,
      { name: "dev", vars: {}, config: "broken" },
      [
        "apps/store/app.yaml:10:18: component api: env REGION needs {{.Env.region}}, which environment dev does not define",
      ],
    ],
    [
      "route rules: a host and a path that read missing vars, at each variable",
      `    web:
      image: web:1
      ports: [{name: http, containerPort: 80}]
      routes:
        - rule: PathPrefix(\`/shop\`)
        - rule: Host(\`shop.{{.Env.tld}}\`) && PathPrefix(\`/{{.Vars.prefix}}\`)
`,
      prod,
      [
        "apps/store/app.yaml:11:28: component web: route Host(`shop.{{.Env.tld}}`) && PathPrefix(`/{{.Vars.prefix}}`): needs {{.Env.tld}}, which environment prod does not define",
        "apps/store/app.yaml:11:59: component web: route Host(`shop.{{.Env.tld}}`) && PathPrefix(`/{{.Vars.prefix}}`): needs {{.Vars.prefix}}, which environment prod does not define",
      ],
    ],
    [
      "a route rule in double quotes, its variable located inside them",
      `    web:
      image: web:1
      ports: [{name: http, containerPort: 80}]
      routes: [{rule: "Host(\`{{.Env.tld}}\`)"}]
`,
      prod,
      [
        "apps/store/app.yaml:9:30: component web: route Host(`{{.Env.tld}}`): needs {{.Env.tld}}, which environment prod does not define",
      ],
    ],
    [
      "a block scalar, where offsets are not exact: at the value's start",
      `    web:
      image: web:1
      env:
        MOTD: |
          Welcome to {{.Env.site}}
`,
      prod,
      [
        "apps/store/app.yaml:9:15: component web: env MOTD needs {{.Env.site}}, which environment prod does not define",
      ],
    ],
    [
      "names an object has by inheritance are not vars",
      `    web:
      image: web:1
      env:
        A: "{{.Env.constructor}}"
        B: "{{.Secrets.toString}}"
`,
      prod,
      [
        "apps/store/app.yaml:9:13: component web: env A needs {{.Env.constructor}}, which environment prod does not define",
        "apps/store/app.yaml:10:13: component web: env B needs {{.Secrets.toString}}, which config prod (of environment prod) does not define",
      ],
    ],
    [
      "components in file order, env before routes",
      `    web:
      image: web:1
      ports: [{name: http, containerPort: 80}]
      routes: [{rule: "Host(\`{{.Env.tld}}\`)"}]
      env: {A: "{{.Env.a}}"}
    api:
      image: api:1
      env: {B: "{{.Env.b}}"}
`,
      prod,
      [
        "apps/store/app.yaml:10:17: component web: env A needs {{.Env.a}}, which environment prod does not define",
        "apps/store/app.yaml:9:30: component web: route Host(`{{.Env.tld}}`): needs {{.Env.tld}}, which environment prod does not define",
        "apps/store/app.yaml:13:17: component api: env B needs {{.Env.b}}, which environment prod does not define",
      ],
    ],
  ])("%s", async (_, components, env, expected) => {
    const model = await modelOf(components);
    expect(checkSystemAgainstEnvironment(model, env).map(formatProblem)).toEqual(expected);
  });

  it("reports on every app, in the app's own file", async () => {
    const app = (name: string, env: string) =>
      `apiVersion: kubefox.io/v1alpha1\nkind: App\nmetadata: {name: ${name}}\nspec:\n  components:\n    ${name}: {image: x, env: {${env}}}\n`;
    const loaded = await loadSystem(
      new MemoryTree({
        "kubefox.yaml": system,
        "apps/cart/app.yaml": app("cart", 'X: "{{.Env.x}}"'),
        "apps/shop/app.yaml": app("shop", 'Y: "{{.Vars.y}}"'),
      }),
    );
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
    expect(
      checkSystemAgainstEnvironment(loaded.model, { name: "qa", vars: { x: 1 } }).map(
        formatProblem,
      ),
    ).toEqual([
      "apps/shop/app.yaml:6:32: component shop: env Y needs {{.Vars.y}}, which environment qa does not define",
    ]);
  });
});
