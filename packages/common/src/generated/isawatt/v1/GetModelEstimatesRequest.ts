// Original file: proto/isawatt/v1/control.proto


export interface GetModelEstimatesRequest {
}

export interface GetModelEstimatesRequest__Output {
}
