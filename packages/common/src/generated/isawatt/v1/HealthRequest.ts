// Original file: proto/isawatt/v1/control.proto


export interface HealthRequest {
}

export interface HealthRequest__Output {
}
