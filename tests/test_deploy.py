"""The deployment files, checked without a Docker engine or a cluster: the images
(docker/Dockerfile), one clinic's compose file (validated by a Compose CLI), and the Kubernetes
manifests (rendered by `kubectl kustomize`)."""
import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from rasa_server.endpoints import endpoints, read_base
from rasa_server.settings import ServerSettings

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
DOCKERFILE = (DOCKER / "Dockerfile").read_text()
COMPOSE_FILE = DOCKER / "docker-compose.yml"
COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text())
SERVERS = ("actions", "rasa", "web")  # the images, each named after the server it runs
SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|SID$|_KEY$")


def pinned(image: str) -> bool:
    """An exact release (and optionally a digest), not a tag that moves, like `3.10-slim`.
    PostgreSQL's releases have two numbers (15.10); Ubuntu's images are dated (jammy-20260810)."""
    name, _, tag = image.partition("@")[0].rpartition(":")
    if name == "ubuntu":
        return bool(re.fullmatch(r"[a-z]+-\d{8}(\.\d+)?", tag))
    numbers = r"\d+\.\d+" if name == "postgres" else r"\d+\.\d+\.\d+"
    return bool(re.fullmatch(numbers + r"(-[a-z0-9.-]+)?", tag))
def stages(dockerfile: str) -> dict:
    """Each stage's instructions (continuation lines joined), by stage name."""
    found, current = {}, None
    for line in dockerfile.replace("\\\n", " ").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "FROM":
            current = words[-1] if "AS" in words else words[1]
            found[current] = [line]
        elif current:
            found[current].append(line)
    return found


STAGES = stages(DOCKERFILE)


def instructions(stage: str, keyword: str) -> list:
    return [line.split(None, 1)[1] for line in STAGES[stage] if line.split()[0] == keyword]


def base(stage: str) -> str:
    return STAGES[stage][0].split()[1]


def test_every_file_the_images_copy_exists_and_is_in_the_build_context():
    ignored = {line for line in (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
               if line and not line.startswith("#")}
    sources = [source for stage in STAGES for copy in instructions(stage, "COPY") if "--from=" not in copy
               for source in copy.split()[:-1] if not source.startswith("--")]
    assert len(sources) > 10
    for source in sources:
        assert (ROOT / source).exists(), f"docker/Dockerfile copies {source}, which does not exist"
        assert source.split("/")[0] not in ignored, f"{source} is left out of the build context"


def test_the_build_context_leaves_out_the_venv_data_models_and_secrets_whichever_builder_reads_it():
    files = [DOCKER / "Dockerfile.dockerignore", DOCKER / ".dockerignore", ROOT / ".dockerignore"]
    contents = {file.read_text() for file in files}
    assert len(contents) == 1, "the three .dockerignore files differ"
    entries = set(contents.pop().split())
    assert {".venv", "var", "models", "docker/.env", ".git"} <= entries


def test_base_images_are_pinned_to_exact_versions():
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE, re.MULTILINE))
    images = [defaults.get(base(stage).strip("${}"), base(stage)) for stage in STAGES
              if base(stage) not in STAGES]
    assert images and all(pinned(image) for image in images), images
    services = [service["image"] for service in COMPOSE["services"].values() if "build" not in service]
    assert services and all(pinned(image) for image in services), services
    assert not pinned("python:3.10-slim") and not pinned("postgres:15") and not pinned("redis:latest")
    assert not pinned("ubuntu:jammy") and not pinned("ubuntu:22.04") and pinned("ubuntu:jammy-20260731.1")


# When each base stops getting security fixes (SECURITY.md, "Runtime"): Ubuntu 22.04's standard
# security support, and the end of life of each Node.js LTS line (nodejs.org's release schedule).
UBUNTU_STANDARD_SUPPORT_ENDS = {"jammy": dt.date(2027, 4, 30)}
NODE_END_OF_LIFE = {20: dt.date(2026, 4, 30), 22: dt.date(2027, 4, 30), 24: dt.date(2028, 4, 30)}


def test_the_images_run_ubuntus_patched_python_310_and_nothing_from_the_python_images():
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE, re.MULTILINE))
    assert base("python") == "${UBUNTU_IMAGE}" and defaults["UBUNTU_IMAGE"].startswith("ubuntu:jammy-")
    assert base("build") == "python" and base("runtime") == "python"  # the venv's interpreter is in both
    [install] = [line for line in instructions("python", "RUN") if "apt-get install" in line]
    for package in ("python3.10", "python3.10-venv"):
        assert f'"{package}=${{PYTHON_DEB_VERSION}}"' in install
    assert defaults["PYTHON_DEB_VERSION"].startswith("3.10.12-1~22.04.")  # Ubuntu 22.04's 3.10.12 line
    assert "python:" not in DOCKERFILE.replace("python:3.10-slim", "")  # no upstream Python image
    assert "PYTHON=/usr/bin/python3.10 make install" in " ".join(instructions("build", "RUN"))
    checks = [check for server in SERVERS for check in instructions(server, "HEALTHCHECK")]
    checks.append(" ".join(COMPOSE["services"]["reception"]["healthcheck"]["test"]))
    assert checks and all("python3.10" in check for check in checks), checks


def test_the_bases_still_get_security_fixes_today():
    """Fails on the day a base's support ends: move to a supported base then (SECURITY.md)."""
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE, re.MULTILINE))
    today = dt.date.today()
    release = defaults["UBUNTU_IMAGE"].split(":")[1].split("-")[0]
    assert today <= UBUNTU_STANDARD_SUPPORT_ENDS[release], f"Ubuntu {release}'s standard support has ended"
    node = int(re.match(r"node:(\d+)\.", defaults["NODE_IMAGE"]).group(1))
    assert node % 2 == 0 and node in NODE_END_OF_LIFE, f"Node.js {node} is not an LTS line we know"
    assert today <= NODE_END_OF_LIFE[node], f"Node.js {node} has reached its end of life"


def test_every_image_runs_as_an_unprivileged_user_with_a_health_check():
    assert instructions("runtime", "USER") == ["10001:10001"]
    for server in SERVERS:
        assert base(server) == "runtime", f"the {server} image does not build on the shared runtime stage"
        assert not instructions(server, "USER"), f"the {server} image changes the user"
        assert instructions(server, "HEALTHCHECK"), f"the {server} image has no health check"


def test_each_image_runs_the_command_make_run_uses():
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    serve_sh = (ROOT / "scripts" / "serve.sh").read_text()
    for server in SERVERS:
        assert instructions(server, "CMD") == [f'["bash", "scripts/serve.sh", "{server}"]']
        assert f"|$SERVE {server}\"" in run_sh, f"make run does not supervise {server} with scripts/serve.sh"
        assert f"\n  {server})\n" in serve_sh
    for server in ("reception", "analytics", "follow-ups"):
        assert COMPOSE["services"][server]["command"] == ["bash", "scripts/serve.sh", server]
        assert f"\n  {server})\n" in serve_sh


def test_the_start_scripts_parse():
    for script in ("serve.sh", "run.sh"):
        result = subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_no_secret_is_baked_into_an_image():
    for stage in STAGES:
        for line in instructions(stage, "ENV") + instructions(stage, "ARG"):
            assert not SECRET.search(line), f"docker/Dockerfile sets {line}"


def test_compose_has_the_three_images_postgres_redis_and_nginx():
    services = COMPOSE["services"]
    assert set(services) == {"rasa", "actions", "web", "reception", "postgres", "redis", "nginx", "rabbitmq", "analytics",
                             "follow-ups"}
    optional = {name for name, service in services.items() if "profiles" in service}
    assert optional == {"rabbitmq", "analytics"}  # analytics only when asked for
    for server in SERVERS:
        assert services[server]["build"]["target"] == server
        assert services[server]["build"]["dockerfile"] == "docker/Dockerfile"
    rasa = services["rasa"]["environment"]
    assert rasa["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in rasa["DATABASE_URL"]
    assert rasa["REDIS_URL"].startswith("redis://redis:")
    assert rasa["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
    assert services["actions"]["environment"]["DATABASE_URL"] == rasa["DATABASE_URL"]  # the records
    assert services["reception"]["environment"]["DATABASE_URL"] == rasa["DATABASE_URL"]
    assert services["follow-ups"]["environment"]["DATABASE_URL"] == rasa["DATABASE_URL"]  # the follow-ups


def test_compose_takes_every_secret_from_the_environment_and_documents_every_variable():
    variables = set(re.findall(r"\$\{(\w+)", COMPOSE_FILE.read_text()))
    example = (DOCKER / ".env.example").read_text()
    undocumented = [name for name in variables if not re.search(rf"^#? ?{name}=", example, re.MULTILINE)]
    assert undocumented == []
    for name, service in COMPOSE["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET.search(variable):
                assert str(value).startswith("${"), f"{name}: {variable} is written in the compose file"
    assert "docker/.env" in (ROOT / ".gitignore").read_text().split()


def compose_cli() -> list:
    """Docker's `docker compose` where it is installed, else `docker-compose` (make compose-cli)."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if os.environ.get("CI"):
        pytest.fail("no Compose CLI to validate docker/docker-compose.yml: `make compose-cli` installs one")
    pytest.skip("no Compose CLI (make compose-cli installs one; make test does)")


def test_the_compose_file_is_valid_and_refuses_to_start_without_its_secrets(tmp_path):
    env = tmp_path / ".env"
    filled = {"RASA_AUTH_TOKEN": "t", "POSTGRES_PASSWORD": "p", "RECEPTION_SECRET_KEY": "k", "SENDER_ID_KEY": "s",
              "ACTION_SERVER_TOKEN": "a", "RABBITMQ_PASSWORD": "r",
              "STAFF_CHANNEL_SECRET": "c", "FOLLOW_UP_LINK_KEY": "l"}
    example = (DOCKER / ".env.example").read_text()
    env.write_text(re.sub(r"^([A-Z_]+)=$", lambda m: f"{m[1]}={filled.get(m[1], '')}", example, flags=re.M))
    command = compose_cli() + ["--env-file", str(env), "-f", str(COMPOSE_FILE), "config"]
    valid = subprocess.run(command, capture_output=True, text=True)
    assert valid.returncode == 0, valid.stderr
    rendered = yaml.safe_load(valid.stdout)["services"]
    assert rendered["rasa"]["environment"]["DATABASE_URL"] == "postgresql://pht:p@postgres:5432/pht"
    assert rendered["rasa"]["environment"]["SENDER_ID_KEY"] == "s"  # the same on every replica
    # the staff channel's secret: the reception page and the Rasa server share it
    assert rendered["rasa"]["environment"]["STAFF_CHANNEL_SECRET"] == "c"
    assert rendered["reception"]["environment"]["STAFF_CHANNEL_SECRET"] == "c"
    # a website visitor's check-in link: signed by the action server, read by the website server
    assert rendered["actions"]["environment"]["FOLLOW_UP_LINK_KEY"] == rendered["web"]["environment"][
        "FOLLOW_UP_LINK_KEY"] == "l"
    assert rendered["web"]["environment"]["SENDER_ID_KEY"] == "s"  # it hands the widget its conversation's session
    assert rendered["rasa"]["environment"]["ACTION_SERVER_TOKEN"] == rendered["actions"]["environment"][
        "ACTION_SERVER_TOKEN"] == "a"  # the Rasa server shows the action server's secret
    assert rendered["actions"]["environment"]["ACTION_SERVER_HOST"] == "0.0.0.0"  # reachable on the compose network
    reception = rendered["reception"]["environment"]
    assert reception["RASA_URL"] == "http://rasa:5005" and reception["RASA_AUTH_TOKEN"] == "t"
    assert reception["RECEPTION_SECRET_KEY"] == "k" and reception["RECEPTION_COOKIE_SECURE"] == "1"
    follow_ups = rendered["follow-ups"]["environment"]  # starts check-ins through the Rasa server's API
    assert follow_ups["RASA_URL"] == "http://rasa:5005" and follow_ups["RASA_AUTH_TOKEN"] == "t"
    assert follow_ups["FOLLOW_UP_QUIET_HOURS"] == "21:00-08:00" and follow_ups["CLINIC_TIMEZONE"] == "Europe/London"
    env.write_text((DOCKER / ".env.example").read_text())
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode != 0 and "docker/.env" in refused.stderr


NGINX = (DOCKER / "nginx" / "pht.conf").read_text()
PLATFORM_WEBHOOKS = [f"/webhooks/{name}/webhook" for name in ("telegram", "twilio", "facebook", "slack")]
NOT_PUBLISHED = ["/webhooks/rest/webhook", "/webhooks/privacy/forget", "/webhooks/privacy/purge", "/webhooks/staff/webhook",
                 "/conversations/x/tracker", "/model/parse"]


def nginx_location(path: str) -> str:
    """The body of the location nginx picks for `path` (regex locations win over prefixes, as
    nginx's own order has it when no prefix location is `^~` or `=`)."""
    blocks = re.findall(r"location\s+(~\s+)?(\S+)\s*\{(.*?)\n    \}", NGINX.split("listen 8443", 1)[1].split("listen 9443")[0], re.S)
    for regex, pattern, body in blocks:
        if regex and re.search(pattern, path):
            return body
    prefixes = [(pattern, body) for regex, pattern, body in blocks if not regex and path.startswith(pattern)]
    return max(prefixes, key=lambda item: len(item[0]))[1]


def test_nginx_proxies_socketio_with_the_websocket_upgrade_and_a_rate_limit():
    socketio = nginx_location("/socket.io/")
    assert "proxy_set_header Upgrade $http_upgrade" in socketio and "proxy_http_version 1.1" in socketio
    assert "limit_req zone=chat" in socketio and "proxy_pass $rasa" in socketio
    assert "limit_req_zone $binary_remote_addr zone=chat" in NGINX  # per client address
    assert "ssl_certificate " in NGINX


def test_nginx_publishes_the_platforms_signed_webhooks_and_nothing_else_of_the_rasa_server():
    for path in PLATFORM_WEBHOOKS:
        location = nginx_location(path)
        assert "proxy_pass $rasa" in location and "limit_req zone=webhooks" in location, path
    for path in NOT_PUBLISHED:
        assert "proxy_pass $rasa" not in nginx_location(path), path
    assert re.search(r"^server_tokens off;", NGINX, re.M)


def test_compose_runs_every_container_without_new_privileges_or_capabilities():
    for name, service in COMPOSE["services"].items():
        assert service["security_opt"] == ["no-new-privileges:true"], name
        assert service["cap_drop"] == ["ALL"], name
        assert set(service.get("cap_add", [])) <= {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"}, name
    for name in SERVERS + ("reception", "analytics", "follow-ups", "nginx"):
        assert "cap_add" not in COMPOSE["services"][name], name  # ours start unprivileged


def test_rabbitmq_never_starts_without_a_password():
    password = COMPOSE["services"]["rabbitmq"]["environment"]["RABBITMQ_DEFAULT_PASS"]
    assert password.startswith("${RABBITMQ_PASSWORD:?"), password


def test_the_same_endpoints_file_points_at_the_action_server_the_environment_names():
    base = read_base()  # the secret's `${ACTION_SERVER_TOKEN}` left for Rasa to fill in
    assert endpoints(ServerSettings.from_env({"ACTION_SERVER_TOKEN": "s"}), base) == base
    local = endpoints(ServerSettings.from_env({}), base)  # no secret: no header, as the action server checks none
    assert local["action_endpoint"] == {"url": base["action_endpoint"]["url"]}
    deployed = endpoints(ServerSettings.from_env({"ACTION_SERVER_URL": "http://actions:5055/webhook",
                                                  "ACTION_SERVER_TOKEN": "s"}), base)
    assert deployed["action_endpoint"] == {**base["action_endpoint"], "url": "http://actions:5055/webhook"}
    assert deployed["tracker_store"] == base["tracker_store"] and deployed["lock_store"] == base["lock_store"]


# --- Kubernetes: every overlay rendered by `kubectl kustomize` -----------------------------------
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir() if (path / "kustomization.yaml").exists())
BENCH_RASA_MB = 660  # one Rasa process after load, `make bench` (docs/performance.md)


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        if os.environ.get("CI"):
            pytest.fail("kubectl is needed to render deploy/k8s")
        pytest.skip("no kubectl")
    result = subprocess.run([kubectl, "kustomize", str(K8S / "overlays" / request.param)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    objects = [item for item in yaml.safe_load_all(result.stdout) if item]
    return {(item["kind"], item["metadata"]["name"]): item for item in objects}


def workloads(rendered):
    return {name: item for (kind, name), item in rendered.items() if kind in ("Deployment", "StatefulSet")}


def containers(workload):
    return workload["spec"]["template"]["spec"]["containers"]


def env(container):
    return {item["name"]: item for item in container.get("env", [])}


def mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(Mi|Gi)", quantity).groups()
    return float(number) * (1024 if unit == "Gi" else 1)


def test_overlays_exist_for_a_pilot_and_a_national_service():
    assert {"pilot", "production"} <= set(OVERLAYS)


def test_several_rasa_replicas_share_postgres_and_redis(rendered):
    for name in ("rasa", "rasa-widget"):
        rasa = rendered[("Deployment", name)]
        assert rasa["spec"]["replicas"] >= 2
        variables = env(containers(rasa)[0])
        for variable in ("DATABASE_URL", "REDIS_URL", "RASA_AUTH_TOKEN"):
            assert variables[variable]["valueFrom"]["secretKeyRef"]["name"] == "pht-secrets", (name, variable)
        assert int(variables["SANIC_WORKERS"]["value"]) >= 1
    assert env(containers(rendered[("Deployment", "rasa-widget")])[0])["SANIC_WORKERS"]["value"] == "1"


def test_rasa_asks_for_the_memory_the_benchmark_measured_per_worker(rendered):
    for name in ("rasa", "rasa-widget"):
        container = containers(rendered[("Deployment", name)])[0]
        workers = int(env(container)["SANIC_WORKERS"]["value"])
        assert mebibytes(container["resources"]["requests"]["memory"]) >= BENCH_RASA_MB * workers


def test_every_container_has_probes_resources_and_runs_unprivileged(rendered):
    for name, workload in workloads(rendered).items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0, name
        for container in containers(workload):
            assert "readinessProbe" in container and "livenessProbe" in container, name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            assert "memory" in container["resources"]["limits"], name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name


def test_the_action_server_scales_on_cpu(rendered):
    autoscaler = rendered[("HorizontalPodAutoscaler", "actions")]["spec"]
    assert autoscaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "actions"}
    assert 2 <= autoscaler["minReplicas"] < autoscaler["maxReplicas"]
    assert autoscaler["metrics"][0]["resource"]["name"] == "cpu"


def test_socketio_is_sticky_and_rest_goes_to_any_replica(rendered):
    routes = {}
    for (kind, _name), ingress in rendered.items():
        if kind == "Ingress":
            for rule in ingress["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    routes[path["path"]] = (path["backend"]["service"]["name"], ingress["metadata"].get("annotations", {}))
    service, annotations = routes["/socket.io/"]
    assert service == "rasa-widget" and annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert rendered[("Service", "rasa-widget")]["spec"]["sessionAffinity"] == "ClientIP"
    for path in PLATFORM_WEBHOOKS:
        service, annotations = routes[path]
        assert service == "rasa" and "nginx.ingress.kubernetes.io/affinity" not in annotations
    assert not any(path.startswith(("/conversations", "/model")) for path in routes)  # the HTTP API stays inside


def test_the_ingress_publishes_only_the_platforms_webhooks_exactly_with_rate_limits(rendered):
    published = []
    for (kind, name), ingress in rendered.items():
        if kind == "Ingress" and name != "pht-reception":
            annotations = ingress["metadata"]["annotations"]
            assert int(annotations["nginx.ingress.kubernetes.io/limit-rps"]) > 0, name  # per client address
            published += [(path["path"], path["pathType"], path["backend"]["service"]["name"])
                          for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    to_rasa = {(path, kind) for path, kind, service in published if service.startswith("rasa")}
    assert to_rasa == {(path, "Exact") for path in PLATFORM_WEBHOOKS} | {("/socket.io/", "Prefix")}


def test_every_pod_has_a_read_only_root_no_service_account_token_and_emptydirs_to_write_in(rendered):
    for name, workload in workloads(rendered).items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        empty = {volume["name"] for volume in pod.get("volumes", []) if "emptyDir" in volume}
        for container in containers(workload):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            mounted = {mount["name"] for mount in container.get("volumeMounts", [])}
            assert "tmp" in mounted & empty, name
    for name in ("rasa", "rasa-widget", "actions", "web", "reception", "follow-ups"):  # files written at start-up
        mounts = containers(rendered[("Deployment", name)])[0]["volumeMounts"]
        assert {"name": "app-var", "mountPath": "/app/var"} in mounts, name


def test_the_network_is_default_deny_with_only_the_needed_flows(rendered):
    policies = {name: item["spec"] for (kind, name), item in rendered.items() if kind == "NetworkPolicy"}
    deny = policies["default-deny"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and [port["port"] for port in deny["egress"][0]["ports"]] == [53, 53]  # DNS only
    [from_rasa] = policies["actions-from-rasa"]["ingress"]
    assert {port["port"] for port in from_rasa["ports"]} == {5055}
    assert from_rasa["from"][0]["podSelector"]["matchExpressions"][0]["values"] == ["rasa", "rasa-widget"]
    for name, spec in policies.items():  # nobody is let in from everywhere
        for rule in spec.get("ingress", []):
            assert rule.get("from"), name


def test_the_follow_up_worker_reaches_only_postgres_and_the_rasa_servers_api_with_the_token(rendered):
    worker = rendered[("Deployment", "follow-ups")]
    assert worker["spec"]["replicas"] >= 2  # they share the work through PostgreSQL
    variables = env(containers(worker)[0])
    assert variables["RASA_URL"]["value"] == "http://rasa:5005"
    for variable in ("DATABASE_URL", "RASA_AUTH_TOKEN"):
        assert variables[variable]["valueFrom"]["secretKeyRef"]["name"] == "pht-secrets", variable
    policies = {name: item["spec"] for (kind, name), item in rendered.items() if kind == "NetworkPolicy"}

    def selects(spec, app):
        selector = spec["podSelector"]
        return selector.get("matchLabels", {}).get("app.kubernetes.io/name") == app or any(
            app in expression["values"] for expression in selector.get("matchExpressions", []))

    [to_rasa] = policies["api-callers-to-rasa"]["egress"]
    assert selects(policies["api-callers-to-rasa"], "follow-ups") and {p["port"] for p in to_rasa["ports"]} == {5005}
    assert selects(policies["records-egress"], "follow-ups")
    [from_callers] = policies["rasa-from-api-callers"]["ingress"]
    assert "follow-ups" in from_callers["from"][0]["podSelector"]["matchExpressions"][0]["values"]
    egress = [name for name, spec in policies.items() if "Egress" in spec["policyTypes"] and selects(spec, "follow-ups")]
    assert sorted(egress) == ["api-callers-to-rasa", "records-egress"]  # and DNS (default-deny): nothing else


def test_the_pilots_redis_has_a_password_from_the_secret(rendered):
    if ("Deployment", "redis") not in rendered:
        pytest.skip("managed Redis in this overlay (its URL, with the password, in the Secret)")
    redis = containers(rendered[("Deployment", "redis")])[0]
    assert redis["command"][-2:] == ["--requirepass", "$(REDIS_PASSWORD)"]
    assert env(redis)["REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "pht-secrets", "key": "REDIS_PASSWORD"}
    assert ("NetworkPolicy", "redis-from-rasa") in rendered and ("NetworkPolicy", "postgres-from-the-servers") in rendered


def test_secrets_are_referenced_never_written(rendered):
    assert not [name for kind, name in rendered if kind == "Secret"]
    for name, workload in workloads(rendered).items():
        for container in containers(workload):
            for variable, item in env(container).items():
                if SECRET.search(variable) or variable.endswith("_URL") and variable not in ("ACTION_SERVER_URL", "RASA_URL"):
                    assert "secretKeyRef" in item.get("valueFrom", {}), (name, variable)
    config = rendered[("ConfigMap", "pht-config")]["data"]
    assert not [key for key in config if SECRET.search(key) or key in ("DATABASE_URL", "REDIS_URL")]


def test_the_containers_run_the_commands_make_run_uses_from_versioned_images(rendered):
    ours = {"rasa": "rasa", "rasa-widget": "rasa", "actions": "actions", "web": "web", "reception": "reception",
            "follow-ups": "follow-ups"}
    images = {"reception": "web", "follow-ups": "actions"}  # another server's image, with its own command
    for name, server in ours.items():
        container = containers(rendered[("Deployment", name)])[0]
        assert container["command"] == ["bash", "scripts/serve.sh", server]
        assert container["image"].endswith(f"-{images.get(server, server)}:1.0.0"), container["image"]
    for workload in workloads(rendered).values():
        for container in containers(workload):
            assert ":" in container["image"] and not container["image"].endswith(":latest")


def test_an_api_token_that_starts_with_a_dash_still_starts_the_rasa_server():
    # `make run` writes a random token (secrets.token_urlsafe), which starts with "-" one time in
    # 64: "--auth-token -72..." made Rasa's argument parser stop with "expected one argument", and
    # `make run` gave up after three restarts (thirty-seventh session, on this machine)
    from rasa.__main__ import create_argument_parser

    serve = (ROOT / "scripts" / "serve.sh").read_text()
    line = next(line for line in serve.splitlines() if "--auth-token" in line)
    assert '--auth-token="$RASA_AUTH_TOKEN"' in line
    arguments = ["run", "--enable-api", line.split()[-2].replace('"$RASA_AUTH_TOKEN"', "-72abc")]
    assert create_argument_parser().parse_args(arguments).auth_token == "-72abc"
