// Original file: proto/isawatt/v1/control.proto


export interface MarkRunResponse {
}

export interface MarkRunResponse__Output {
}
