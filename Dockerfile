# payg-gateway container image: built with Maven, run on a JRE as a non-root user.
# Configuration comes from the environment (see README "Running in production"); no secret is baked in.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY domain/pom.xml domain/
COPY telco-adapters/pom.xml telco-adapters/
COPY manufacturer-adapters/pom.xml manufacturer-adapters/
COPY gateway/pom.xml gateway/
COPY load-tests/pom.xml load-tests/
# dependencies first, so a source change does not download them again
RUN mvn -B -q -pl gateway -am dependency:go-offline -DskipTests || true
COPY domain domain
COPY telco-adapters telco-adapters
COPY manufacturer-adapters manufacturer-adapters
COPY gateway gateway
RUN mvn -B -q -pl gateway -am -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system payg && useradd --system --gid payg --home-dir /app --shell /usr/sbin/nologin payg \
    && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/gateway/target/payg-gateway.jar /app/payg-gateway.jar
USER payg
ENV HTTP_HOST=0.0.0.0 HTTP_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Xms512m", "-Xmx512m", "-jar", "/app/payg-gateway.jar"]
