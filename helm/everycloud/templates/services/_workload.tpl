{{/*
The objects of one service. Every helper takes (dict "root" $ "svc" <merged service>).
*/}}

{{/* everycloud.serviceAccount — its own identity; no API token is mounted (the services never call the Kubernetes API). */}}
{{- define "everycloud.serviceAccount" -}}
{{- $svc := .svc -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list .root $svc.name) | nindent 4 }}
automountServiceAccountToken: false
{{- end -}}

{{/* everycloud.configMap — the non-secret environment of a service (the env contract of docs/development.md). */}}
{{- define "everycloud.configMap" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list $root $svc.name) | nindent 4 }}
data:
  QUARKUS_HTTP_PORT: "8080"
  QUARKUS_DATASOURCE_JDBC_URL: {{ include "everycloud.jdbcUrl" (list $root $svc) | quote }}
  KAFKA_BOOTSTRAP_SERVERS: {{ include "everycloud.bootstrapServers" $root | quote }}
  EVERYCLOUD_PRODUCT_ID: {{ $v.product.id | quote }}
  EVERYCLOUD_PUBLIC_URL: {{ include "everycloud.publicUrl" $root | quote }}
  EVERYCLOUD_ISSUER_URL: {{ printf "http://%s-user:8080" (include "everycloud.fullname" $root) | quote }}
  {{- if eq $svc.name "user" }}
  EVERYCLOUD_ADMIN_EMAIL: {{ $v.admin.email | quote }}
  {{- end }}
  {{- if eq $svc.name "firmware" }}
  EnableFirmwareUpdate: {{ $v.firmware.updates | quote }}
  {{- end }}
  {{- if eq $svc.name "portal" }}
  {{- range $key, $target := dict "USER" "user" "REGISTRY" "device-registry" "CLAIM" "claim" "FIRMWARE" "firmware" }}
  PORTAL_SERVICES_{{ $key }}_URL: {{ printf "http://%s-%s:8080" (include "everycloud.fullname" $root) $target | quote }}
  {{- end }}
  {{- end }}
  {{- if eq $svc.name "notification" }}
  NOTIFICATION_MAIL_FROM_ADDRESS: {{ $v.mail.from | quote }}
  QUARKUS_MAILER_HOST: {{ $v.mail.host | quote }}
  QUARKUS_MAILER_PORT: {{ $v.mail.port | int | quote }}
  QUARKUS_MAILER_FROM: {{ $v.mail.from | quote }}
  QUARKUS_MAILER_TLS: {{ $v.mail.tls | quote }}
  QUARKUS_MAILER_START_TLS: {{ $v.mail.startTls | quote }}
  {{- end }}
  {{- range $key, $value := $svc.config }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end -}}

{{/* everycloud.secretEnv — environment variables read from Secrets (never from values). */}}
{{- define "everycloud.secretEnv" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "everycloud.databaseSecret" $svc }}
      key: {{ $svc.database.usernameKey }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "everycloud.databaseSecret" $svc }}
      key: {{ $svc.database.passwordKey }}
{{- if eq $svc.name "user" }}
- name: EVERYCLOUD_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "everycloud.adminSecret" $root }}
      key: {{ $v.admin.passwordKey }}
{{- if $v.tokenSigning.existingSecret }}
- name: USER_SERVICE_KEYS_PRIVATE_KEY_PEM
  valueFrom:
    secretKeyRef:
      name: {{ $v.tokenSigning.existingSecret }}
      key: {{ $v.tokenSigning.key }}
{{- end }}
{{- end }}
{{- if eq $svc.name "portal" }}
{{- $tk := $v.portal.sessionTokenKey }}
{{- $secret := include "everycloud.sessionTokenKeySecret" $root }}
- name: PORTAL_SESSION_TOKEN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $tk.key }}
- name: PORTAL_SESSION_TOKEN_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $tk.keyIdKey }}
      optional: true
- name: PORTAL_SESSION_PREVIOUS_TOKEN_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $tk.previousKeysKey }}
      optional: true
{{- end }}
{{- if and (eq $svc.name "notification") $v.mail.existingSecret }}
- name: QUARKUS_MAILER_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $v.mail.existingSecret }}
      key: {{ $v.mail.usernameKey }}
- name: QUARKUS_MAILER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.mail.existingSecret }}
      key: {{ $v.mail.passwordKey }}
{{- end }}
{{- with $svc.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* everycloud.probe — one probe on a /q/health path. Takes (list path settings). */}}
{{- define "everycloud.probe" -}}
httpGet:
  path: {{ index . 0 }}
  port: http
periodSeconds: {{ (index . 1).periodSeconds | int }}
timeoutSeconds: {{ (index . 1).timeoutSeconds | int }}
failureThreshold: {{ (index . 1).failureThreshold | int }}
{{- end -}}

{{/* everycloud.deployment — the service's pods, Pod Security "restricted" by default. */}}
{{- define "everycloud.deployment" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list $root $svc.name) | nindent 4 }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicas | int }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "everycloud.selectorLabels" (list $root $svc.name) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # A new pod becomes ready before an old one goes: no capacity dip during upgrades.
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "everycloud.labels" (list $root $svc.name) | nindent 8 }}
        {{- with $svc.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Settings changes roll the pods (the ConfigMap is read at start only).
        checksum/config: {{ include "everycloud.configMap" . | sha256sum }}
        {{- with $svc.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $svc.fullname }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $v.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $svc.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds | int }}
      containers:
        - name: {{ $svc.name }}
          image: {{ include "everycloud.image" (list $root $svc) | quote }}
          imagePullPolicy: {{ $v.global.image.pullPolicy }}
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $svc.fullname }}
          env:
            {{- include "everycloud.secretEnv" . | nindent 12 }}
          startupProbe:
            {{- include "everycloud.probe" (list "/q/health/started" $svc.probes.startup) | nindent 12 }}
          livenessProbe:
            {{- include "everycloud.probe" (list "/q/health/live" $svc.probes.liveness) | nindent 12 }}
          readinessProbe:
            {{- include "everycloud.probe" (list "/q/health/ready" $svc.probes.readiness) | nindent 12 }}
          {{- if gt ($svc.preStopSleepSeconds | int) 0 }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "{{ $svc.preStopSleepSeconds | int }}"]
          {{- end }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            {{- toYaml $svc.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $svc.tmpSizeLimit }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        {{- $constraint := . }}
        {{- if not (hasKey $constraint "labelSelector") }}
        {{- $constraint = merge (dict "labelSelector" (dict "matchLabels" (include "everycloud.selectorLabels" (list $root $svc.name) | fromYaml))) $constraint }}
        {{- end }}
        {{- toYaml (list $constraint) | nindent 8 }}
        {{- end }}
      {{- end }}
{{- end -}}

{{/* everycloud.k8sService — the ClusterIP Service in front of the pods. */}}
{{- define "everycloud.k8sService" -}}
{{- $svc := .svc -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list .root $svc.name) | nindent 4 }}
  {{- with $svc.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  selector:
    {{- include "everycloud.selectorLabels" (list .root $svc.name) | nindent 4 }}
  ports:
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* everycloud.hpa — scales on CPU (and memory when a target is set). */}}
{{- define "everycloud.hpa" -}}
{{- $svc := .svc -}}
{{- $a := $svc.autoscaling -}}
{{- if lt ($a.maxReplicas | int) ($a.minReplicas | int) }}
{{- fail (printf "services.%s.autoscaling.maxReplicas must be at least minReplicas" $svc.name) }}
{{- end -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list .root $svc.name) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $svc.fullname }}
  minReplicas: {{ $a.minReplicas | int }}
  maxReplicas: {{ $a.maxReplicas | int }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage | int }}
    {{- if gt ($a.targetMemoryUtilizationPercentage | int) 0 }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage | int }}
    {{- end }}
{{- end -}}

{{/* everycloud.pdb — keeps voluntary disruptions (node drains) to maxUnavailable pods at a time. */}}
{{- define "everycloud.pdb" -}}
{{- $svc := .svc -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list .root $svc.name) | nindent 4 }}
spec:
  maxUnavailable: {{ $svc.pdb.maxUnavailable | int }}
  selector:
    matchLabels:
      {{- include "everycloud.selectorLabels" (list .root $svc.name) | nindent 6 }}
{{- end -}}

{{/* everycloud.serviceMonitor — Prometheus Operator scrape of /q/metrics. */}}
{{- define "everycloud.serviceMonitor" -}}
{{- $svc := .svc -}}
{{- $m := .root.Values.metrics.serviceMonitor -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ $svc.fullname }}
  labels:
    {{- include "everycloud.labels" (list .root $svc.name) | nindent 4 }}
    {{- with $m.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "everycloud.selectorLabels" (list .root $svc.name) | nindent 6 }}
  endpoints:
    - port: http
      path: /q/metrics
      interval: {{ $m.interval }}
{{- end -}}
